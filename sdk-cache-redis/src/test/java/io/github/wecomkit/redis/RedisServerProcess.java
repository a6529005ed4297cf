package io.github.wecomkit.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} process on a loopback port, which a test can kill and restart on the same port.
 * The binary comes from the embedded-redis test jar (linux x86-64, linux arm64, macOS), so a machine with only a
 * JDK runs the tests; {@code -Dredis.server=/path/to/redis-server} uses another binary. The same binary runs as a
 * Sentinel ({@link #startSentinel}) and, since it links OpenSSL, with TLS ({@link #startTls}).
 */
final class RedisServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static Path binary;

    private final int port;
    private final Path dir;
    /** A config file written before the first start, or null; Sentinel rewrites its own. */
    private final Path config;
    private final List<String> extraArgs;
    private final boolean tls;
    private Process process;

    private RedisServerProcess(int port, Path dir, Path config, List<String> extraArgs, boolean tls) {
        this.port = port;
        this.dir = dir;
        this.config = config;
        this.extraArgs = extraArgs;
        this.tls = tls;
    }

    /** Starts a standalone server on a free loopback port. */
    static RedisServerProcess start(String... extraArgs) {
        return start(freePort(), extraArgs);
    }

    static RedisServerProcess start(int port, String... extraArgs) {
        return launch(port, null, false, List.of(extraArgs));
    }

    /**
     * Starts a server that first reads {@code configText} as its config file: for directives that the command
     * line cannot carry, such as {@code rename-command SUBSCRIBE ""}.
     */
    static RedisServerProcess startWithConfig(String configText, String... extraArgs) {
        return launch(freePort(), configText, false, List.of(extraArgs));
    }

    /** Starts a Sentinel watching {@code masterName} at {@code masterPort} on loopback. */
    static RedisServerProcess startSentinel(String masterName, int masterPort, int quorum, Duration downAfter) {
        String conf = "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + quorum + "\n"
                + "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis() + "\n"
                + "sentinel failover-timeout " + masterName + " 5000\n"
                + "sentinel parallel-syncs " + masterName + " 1\n";
        return launch(freePort(), conf, false, List.of("--sentinel"));
    }

    /**
     * Starts a server that speaks only TLS on its port, with this certificate and key (PEM files); clients
     * are not asked for certificates.
     */
    static RedisServerProcess startTls(Path certPem, Path keyPem, Path caPem, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--tls-cert-file", certPem.toString(),
                "--tls-key-file", keyPem.toString(), "--tls-ca-cert-file", caPem.toString(),
                "--tls-auth-clients", "no"));
        args.addAll(List.of(extraArgs));
        return launch(freePort(), null, true, args);
    }

    private static RedisServerProcess launch(int port, String configText, boolean tls, List<String> extraArgs) {
        try {
            Path dir = Files.createTempDirectory("wecomkit-redis-" + port + "-");
            Path config = null;
            if (configText != null) {
                config = dir.resolve("redis.conf");
                Files.writeString(config, configText, StandardCharsets.UTF_8);
            }
            RedisServerProcess server = new RedisServerProcess(port, dir, config, List.copyOf(extraArgs), tls);
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nobody listens on right now (a server may be started on it later). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    /** The server's log so far, for failure messages. */
    String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the process with SIGKILL, as a crash or an OOM kill would, and waits until it is gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        process = null;
    }

    /** Starts the server again on the same port (with an empty dataset: persistence is off). */
    synchronized void restart() {
        kill();
        startProcess();
    }

    private void startProcess() {
        startProcess(extraArgs);
    }

    private synchronized void startProcess(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        if (config != null) {
            command.add(config.toString());
        }
        command.addAll(List.of(
                tls ? "--tls-port" : "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--daemonize", "no",
                "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString()));
        if (tls) {
            command.addAll(List.of("--port", "0"));
        }
        command.addAll(args);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!(tls ? log().contains("Ready to accept connections") : answersPing())) {
            if (!started.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + started.exitValue() + ": "
                        + lastLines() + (tls ? " (a redis-server built without TLS cannot run this test; pass"
                        + " -Dredis.server=/path/to/a/redis-server built with BUILD_TLS=yes)" : ""));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("redis-server on port " + port + " not ready: " + lastLines());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private String lastLines() {
        StringBuilder out = new StringBuilder();
        for (String file : List.of("stdout.log", "redis.log")) {
            try {
                Path p = dir.resolve(file);
                if (Files.exists(p)) {
                    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                    out.append(String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size())));
                }
            } catch (IOException e) {
                out.append(e);
            }
        }
        return out.append(" (see ").append(dir).append(')').toString();
    }

    /** A server that requires a password answers PING with NOAUTH: it is up all the same. */
    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return "+PONG".equals(line) || line != null && line.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        String configured = System.getProperty("redis.server");
        if (configured != null && !configured.isBlank()) {
            binary = Path.of(configured);
            return binary;
        }
        String resource = bundledBinaryName();
        try (InputStream in = RedisServerProcess.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not on the test class path (embedded-redis jar)");
            }
            Path file = Files.createTempFile("redis-server-", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            if (!file.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot make " + file + " executable");
            }
            file.toFile().deleteOnExit();
            binary = file;
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bundledBinaryName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("no bundled redis-server for " + os + "/" + arch
                + "; pass -Dredis.server=/path/to/redis-server");
    }
}
