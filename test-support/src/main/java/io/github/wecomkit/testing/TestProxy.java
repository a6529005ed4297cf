package io.github.wecomkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP forward proxy on loopback, as a corporate egress proxy behaves: {@code CONNECT host:port} opens a
 * byte tunnel (for HTTPS), an absolute-form request ({@code GET http://host/path}) is forwarded in origin form and
 * its answer relayed with its framing, so the client's connection stays reusable. It counts what it did, can
 * demand Basic credentials (407), refuse every tunnel with a given status, and drop a forwarded request's answer.
 */
public final class TestProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private volatile String expectedAuthorization;
    private volatile int refuseConnectWith;
    private volatile boolean dropAnswers;

    private TestProxy() throws IOException {
        Thread acceptor = new Thread(this::acceptLoop, "test-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static TestProxy start() throws IOException {
        return new TestProxy();
    }

    /** Answers 407 to every request without these Basic credentials. */
    public TestProxy requireCredentials(String username, String password) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Answers every CONNECT with {@code status} (403, 502, ...) instead of opening the tunnel. */
    public TestProxy refuseConnectWith(int status) {
        refuseConnectWith = status;
        return this;
    }

    /** Forwards each absolute-form request and reads the answer, then closes the client's connection instead. */
    public TestProxy dropAnswers() {
        dropAnswers = true;
        return this;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getLocalPort();
    }

    /** @return connections clients opened to the proxy */
    public int connections() {
        return connections.get();
    }

    /** @return tunnels opened (CONNECT answered 200) */
    public int tunnels() {
        return tunnels.get();
    }

    /** @return absolute-form requests forwarded */
    public int forwarded() {
        return forwarded.get();
    }

    /** @return every request line received, CONNECT included */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                sockets.add(client);
                Thread t = new Thread(() -> serve(client), "test-proxy-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                List<String> head = readHead(in);
                if (head == null) {
                    return;
                }
                String requestLine = head.get(0);
                requestLines.add(requestLine);
                String expected = expectedAuthorization;
                if (expected != null && !expected.equals(header(head, "Proxy-Authorization"))) {
                    write(out, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\""
                            + "\r\nContent-Length: 0\r\n\r\n");
                    skipBody(in, head);
                    continue;
                }
                String[] parts = requestLine.split(" ");
                if (parts[0].equals("CONNECT")) {
                    tunnel(client, parts[1]);
                    return;
                }
                if (!forward(in, out, head, parts)) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // a side went away
        }
    }

    private void tunnel(Socket client, String authority) throws IOException {
        int refusal = refuseConnectWith;
        if (refusal != 0) {
            write(client.getOutputStream(), "HTTP/1.1 " + refusal + " Refused\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        int colon = authority.lastIndexOf(':');
        Socket upstream = new Socket();
        sockets.add(upstream);
        try (upstream) {
            upstream.connect(new InetSocketAddress(authority.substring(0, colon),
                    Integer.parseInt(authority.substring(colon + 1))), 5000);
            tunnels.incrementAndGet();
            write(client.getOutputStream(), "HTTP/1.1 200 Connection Established\r\n\r\n");
            Thread up = new Thread(() -> pipe(client, upstream), "test-proxy-tunnel");
            up.setDaemon(true);
            up.start();
            pipe(upstream, client);
        }
    }

    /** @return whether the client's connection stays open for another request */
    private boolean forward(InputStream in, OutputStream out, List<String> head, String[] parts) throws IOException {
        URI target = URI.create(parts[1]);
        byte[] body = in.readNBytes(contentLength(head));
        StringBuilder request = new StringBuilder(parts[0]).append(' ').append(target.getRawPath())
                .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(" HTTP/1.1\r\n");
        for (String h : head.subList(1, head.size())) {
            String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
            if (!name.startsWith("proxy-") && !name.equals("connection")) {
                request.append(h).append("\r\n");
            }
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
            sockets.add(upstream);
            OutputStream up = upstream.getOutputStream();
            up.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            up.write(body);
            up.flush();
            forwarded.incrementAndGet();
            InputStream down = upstream.getInputStream();
            List<String> answer = readHead(down);
            if (answer == null || dropAnswers) {
                return false; // the request reached the server; its answer never reaches the client
            }
            StringBuilder relayed = new StringBuilder();
            for (String h : answer) {
                if (!h.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    relayed.append(h).append("\r\n");
                }
            }
            int length = contentLength(answer);
            boolean framed = header(answer, "Content-Length") != null;
            write(out, relayed + (framed ? "" : "Connection: close\r\n") + "\r\n");
            out.write(framed ? down.readNBytes(length) : down.readAllBytes());
            out.flush();
            return framed;
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side closed
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing both ends of a finished tunnel
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void skipBody(InputStream in, List<String> head) throws IOException {
        in.readNBytes(contentLength(head));
    }

    private static int contentLength(List<String> head) {
        String value = header(head, "Content-Length");
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static String header(List<String> head, String name) {
        for (String h : head.subList(1, head.size())) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return h.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** @return the request or status line and the header lines, or null at the end of the stream */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new java.util.ArrayList<>();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1);
                l = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
                line.reset();
                if (l.isEmpty()) {
                    return lines;
                }
                lines.add(l);
            } else {
                line.write(b);
            }
        }
        return null;
    }
}
