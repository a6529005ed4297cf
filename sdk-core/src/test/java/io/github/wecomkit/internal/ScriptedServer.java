package io.github.wecomkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;

/**
 * A raw HTTP/1.1 server on one loopback address that answers each request it reads with the next {@link Script}
 * (the last one repeats), so a test can write any bytes at any pace: bad framing, trickles, silence. It counts
 * connections and requests, and signals each request as it arrives.
 */
final class ScriptedServer implements AutoCloseable {
    /** What the server does with one request. */
    interface Script {
        /** @return whether to keep the connection open for another request */
        boolean answer(String request, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final Semaphore closedConnections = new Semaphore(0);
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Semaphore arrived = new Semaphore(0);
    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Counted down when the test ends: stalling and trickling scripts stop. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Script last;

    private ScriptedServer(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return a plain server on 127.0.0.1 */
    static ScriptedServer start() throws IOException {
        return start(ServerSocketFactory.getDefault());
    }

    /** @return a server on 127.0.0.1 whose sockets come from {@code factory} (TLS ones, for example) */
    static ScriptedServer start(ServerSocketFactory factory) throws IOException {
        return new ScriptedServer(factory.createServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getLocalPort();
    }

    ScriptedServer then(Script script) {
        scripts.add(script);
        return this;
    }

    int connections() {
        return connections.get();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    /** Waits until {@code n} requests in all have arrived. */
    boolean awaitRequests(int n) throws InterruptedException {
        return arrived.tryAcquire(n, 10, TimeUnit.SECONDS) && release(arrived, n);
    }

    /** Waits until {@code n} connections in all were closed by the client (or ended). */
    boolean awaitClosedConnections(int n) throws InterruptedException {
        return closedConnections.tryAcquire(n, 10, TimeUnit.SECONDS) && release(closedConnections, n);
    }

    private static boolean release(Semaphore s, int n) {
        s.release(n);
        return true;
    }

    /**
     * Waits {@code millis} or until the test ends, for scripts that pace their bytes.
     *
     * @return whether the test is still running
     */
    boolean pause(long millis) {
        try {
            return !stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        stopped.countDown();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    static Script raw(String response, boolean keepOpen) {
        return (request, out) -> {
            out.write(response.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return keepOpen;
        };
    }

    static Script json(String body) {
        return raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body, true);
    }

    /** Writes {@code prefix} at once, then {@code trickled} one byte every {@code everyMillis}, then closes. */
    Script trickle(String prefix, String trickled, long everyMillis) {
        return (request, out) -> {
            out.write(prefix.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (byte b : trickled.getBytes(StandardCharsets.US_ASCII)) {
                if (!pause(everyMillis)) {
                    break;
                }
                out.write(b);
                out.flush();
            }
            return false;
        };
    }

    /** Reads the request, then answers nothing until the test ends. */
    Script silent() {
        return (request, out) -> {
            pause(TimeUnit.MINUTES.toMillis(1));
            return false;
        };
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-server-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String request = readHead(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                arrived.release();
                Script script = scripts.poll();
                if (script == null) {
                    script = last;
                } else {
                    last = script;
                }
                if (!script.answer(request, out)) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // the client went away
        } finally {
            closedConnections.release();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }
}
