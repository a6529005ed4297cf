package io.github.wecomkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 server on raw sockets that counts what a transport does to it: connections accepted,
 * requests per API, the most requests in progress at once. It can hold requests (after reading them whole) until
 * the test releases them, so a test can act while a request is on the wire. {@code gettoken} is never held.
 */
public final class CountingServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch gate;

    private CountingServer() throws IOException {
        Thread acceptor = new Thread(this::acceptLoop, "counting-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers gettoken with {@link Payloads#TOKEN_1}, jscode2session with a session, user/get with the member. */
    public static CountingServer start() throws IOException {
        CountingServer s = new CountingServer();
        s.answer("gettoken", Payloads.token(Payloads.TOKEN_1, 7200));
        s.answer("miniprogram/jscode2session", Payloads.session(Payloads.CORP_ID, Payloads.USER_ID));
        s.answer("user/get", Payloads.USER);
        return s;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** From now on {@code api} (the path after /cgi-bin/) is answered with {@code body}. */
    public CountingServer answer(String api, String body) {
        bodies.put(api, body);
        return this;
    }

    /** Holds every request but gettoken, once read, until {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits (bounded) until {@code n} requests are being held. */
    public boolean awaitHeld(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (held) {
            while (held.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(held, left);
            }
            return true;
        }
    }

    /** @return requests held right now */
    public int held() {
        return held.get();
    }

    /** @return connections accepted since the start */
    public int connectionsAccepted() {
        return sockets.size();
    }

    /** @return requests of {@code api} read since the start */
    public int requests(String api) {
        AtomicInteger n = requests.get(api);
        return n == null ? 0 : n.get();
    }

    /** @return requests of {@code api} the server answered (counted as the answer is written) */
    public int answered(String api) {
        AtomicInteger n = answered.get(api);
        return n == null ? 0 : n.get();
    }

    /** @return the most requests in progress (read, answer not yet begun) at one moment */
    public int peakInProgress() {
        return peak.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(socket);
            Thread handler = new Thread(() -> serve(socket), "counting-server-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head.isEmpty()) {
                    return; // the client closed the connection
                }
                skipBody(in, head);
                String target = head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/"));
                String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                String api = path.startsWith("/cgi-bin/") ? path.substring("/cgi-bin/".length()) : path;
                requests.computeIfAbsent(api, k -> new AtomicInteger()).incrementAndGet();
                peak.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
                CountDownLatch g = gate;
                if (g != null && !api.equals("gettoken")) {
                    synchronized (held) {
                        held.incrementAndGet();
                        held.notifyAll();
                    }
                    try {
                        g.await(30, TimeUnit.SECONDS);
                    } finally {
                        held.decrementAndGet();
                    }
                }
                byte[] body = bodies.getOrDefault(api, Payloads.error(404, "no such api")).getBytes(
                        StandardCharsets.UTF_8);
                byte[] start = ("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] answer = Arrays.copyOf(start, start.length + body.length);
                System.arraycopy(body, 0, answer, start.length, body.length);
                // Both counts change before the write: a client that has read the answer sees them updated.
                inProgress.decrementAndGet();
                answered.computeIfAbsent(api, k -> new AtomicInteger()).incrementAndGet();
                out.write(answer); // one write: no delayed-ACK stall between head and body
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) != -1) {
            head.write(b);
            matched = "\r\n\r\n".charAt(matched) == b ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return matched < 4 ? "" : head.toString(StandardCharsets.US_ASCII);
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                long length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                in.readNBytes((int) length);
            }
        }
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
