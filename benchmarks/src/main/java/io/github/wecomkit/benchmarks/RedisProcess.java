package io.github.wecomkit.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import redis.embedded.RedisServer;

/** A real {@code redis-server} (the binary shipped in the embedded-redis jar) on a free loopback port. */
final class RedisProcess implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private RedisProcess(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static RedisProcess start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .onShutdownForceStop(true)
                .build();
        server.start();
        RedisProcess process = new RedisProcess(server, port);
        process.awaitListening();
        return process;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() - giveUp > 0) {
                    throw notYet;
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }
}
