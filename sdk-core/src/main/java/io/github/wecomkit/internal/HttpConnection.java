package io.github.wecomkit.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One HTTP/1.1 connection of the default transport, used by one exchange at a time: it reads response heads within
 * the caps below and bodies by their framing. Every read is bounded by the {@link DeadlineSocket} underneath.
 */
final class HttpConnection {
    /** Bodies larger than this are not WeCom's JSON; reading stops instead of filling memory. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** A status line or header longer than this is not from WeCom. */
    static final int MAX_LINE_BYTES = 16 * 1024;
    /** Header fields in one exchange (interim responses and trailers included); WeCom sends about ten. */
    static final int MAX_HEADER_FIELDS = 100;
    /** Bytes of status lines and headers in one exchange. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Interim (1xx) responses before the final one; a server that keeps sending them is stalling. */
    static final int MAX_INTERIM_RESPONSES = 5;

    /** A response this client refuses to read further; the message is ours and names the rule. */
    static final class Rejected extends IOException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    /** The parts of a response head the framing depends on. */
    static final class Head {
        int status;
        long contentLength;
        boolean chunked;
        boolean close;
    }

    private static final long PROBE_NANOS = 1_000_000;

    final DeadlineSocket raw;
    /** {@link #raw}, or the TLS socket layered over it. */
    final Socket socket;
    /** {@code host:port} of the proxy this connection goes through, or null. */
    final String proxy;
    /** Requests go out in absolute form, to a forward proxy for plain HTTP. */
    final boolean absoluteForm;
    final InputStream in;
    final OutputStream out;
    private final Head head = new Head();
    private byte[] line = new byte[256];
    long idleSince;
    long responseBytes;
    private int headerFields;
    private int headerBytes;

    HttpConnection(DeadlineSocket raw, Socket socket, String proxy, boolean absoluteForm) throws IOException {
        this.raw = raw;
        this.socket = socket;
        this.proxy = proxy;
        this.absoluteForm = absoluteForm;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /**
     * Whether the server has closed this idle connection (or sent something unasked, which makes it unusable
     * too). Reads for at most a millisecond; only requests that must not be sent twice ask.
     */
    boolean closedByServer() {
        try {
            if (in.available() > 0) {
                return true;
            }
            begin(System.nanoTime() + PROBE_NANOS, false);
            in.read(); // a byte nobody asked for, or -1 (end of stream): either way the connection is done
            return true;
        } catch (SocketTimeoutException e) {
            return false; // nothing to read and no end of stream: still open
        } catch (IOException e) {
            return true;
        }
    }

    /** Starts an exchange: every read from now on ends by {@code deadlineNanos}, and the caps start over. */
    void begin(long deadlineNanos, boolean forConnect) {
        raw.deadline(deadlineNanos, forConnect);
        responseBytes = 0;
        headerFields = 0;
        headerBytes = 0;
    }

    /**
     * Reads the final response head, skipping up to {@link #MAX_INTERIM_RESPONSES} interim ones.
     * The returned object is reused by the next call.
     */
    Head readHead() throws IOException {
        for (int interim = 0; ; interim++) {
            String statusLine = readHeaderLine();
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
                throw new Rejected("not an HTTP/1.x status line");
            }
            boolean http10 = statusLine.charAt(7) == '0';
            Head h = head;
            h.status = parseStatus(statusLine);
            h.contentLength = -1;
            h.chunked = false;
            h.close = http10;
            String header;
            while (!(header = readHeaderLine()).isEmpty()) {
                countField();
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    h.contentLength = parseLength(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    h.chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    String v = value.toLowerCase(Locale.ROOT);
                    h.close = v.contains("close") || (http10 && !v.contains("keep-alive"));
                }
            }
            if (h.status >= 200 || h.status < 100) {
                return h;
            }
            if (h.status == 101) {
                throw new Rejected("unexpected 101 Switching Protocols");
            }
            if (interim == MAX_INTERIM_RESPONSES) {
                throw new Rejected("more than " + MAX_INTERIM_RESPONSES + " interim (1xx) responses");
            }
        }
    }

    /** @return the body framed by {@code h}, which {@link #readHead()} returned */
    byte[] readBody(Head h) throws IOException {
        if (h.status == 204 || h.status == 304) {
            return new byte[0];
        }
        if (h.chunked) {
            return readChunked();
        }
        if (h.contentLength >= 0) {
            return readExactly(h.contentLength);
        }
        return readToEnd();
    }

    /** A status line, header or trailer line; all of them count against {@link #MAX_HEADER_BYTES}. */
    private String readHeaderLine() throws IOException {
        String l = readLine();
        headerBytes += l.length() + 2;
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new Rejected("response headers larger than " + MAX_HEADER_BYTES + " bytes");
        }
        return l;
    }

    private void countField() throws Rejected {
        if (++headerFields > MAX_HEADER_FIELDS) {
            throw new Rejected("more than " + MAX_HEADER_FIELDS + " header fields");
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b == -1) {
            throw new EOFException(responseBytes == 0 ? "connection closed before any response byte"
                    : "connection closed mid-response");
        }
        responseBytes++;
        return b;
    }

    private String readLine() throws IOException {
        byte[] buf = line;
        int n = 0;
        while (true) {
            int b = read();
            if (b == '\n') {
                int end = n > 0 && buf[n - 1] == '\r' ? n - 1 : n;
                return new String(buf, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (n == MAX_LINE_BYTES) {
                throw new Rejected("HTTP line longer than " + MAX_LINE_BYTES + " bytes");
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(MAX_LINE_BYTES, buf.length * 2));
                line = buf;
            }
            buf[n++] = (byte) b;
        }
    }

    private byte[] readExactly(long length) throws IOException {
        if (length > MAX_BODY_BYTES) {
            throw new Rejected("response body larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] body = new byte[(int) length];
        int at = 0;
        while (at < body.length) {
            int n = in.read(body, at, body.length - at);
            if (n == -1) {
                throw new EOFException("connection closed mid-body");
            }
            at += n;
            responseBytes += n;
        }
        return body;
    }

    private byte[] readChunked() throws IOException {
        byte[] body = new byte[1024];
        int size = 0;
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            int chunk;
            try {
                chunk = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new Rejected("malformed chunk size");
            }
            if (chunk < 0 || size + (long) chunk > MAX_BODY_BYTES) {
                throw new Rejected("response body larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (chunk == 0) {
                while (!readHeaderLine().isEmpty()) {
                    countField(); // trailers are ignored, but count against the header caps
                }
                return Arrays.copyOf(body, size);
            }
            if (size + chunk > body.length) {
                body = Arrays.copyOf(body, Math.max(size + chunk, body.length * 2));
            }
            byte[] part = readExactly(chunk);
            System.arraycopy(part, 0, body, size, chunk);
            size += chunk;
            if (!readLine().isEmpty()) {
                throw new Rejected("malformed chunk end");
            }
        }
    }

    private byte[] readToEnd() throws IOException {
        byte[] body = new byte[1024];
        int size = 0;
        int n;
        while ((n = in.read(body, size, body.length - size)) != -1) {
            size += n;
            responseBytes += n;
            if (size > MAX_BODY_BYTES) {
                throw new Rejected("response body larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (size == body.length) {
                body = Arrays.copyOf(body, body.length * 2);
            }
        }
        return Arrays.copyOf(body, size);
    }

    private static int parseStatus(String statusLine) throws IOException {
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char ch = statusLine.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new Rejected("malformed HTTP status");
            }
            status = status * 10 + (ch - '0');
        }
        return status;
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length < 0) {
                throw new Rejected("negative Content-Length");
            }
            return length;
        } catch (NumberFormatException e) {
            throw new Rejected("malformed Content-Length");
        }
    }

    /**
     * Closes the connection from the thread that uses it (TLS says goodbye first); safe more than once. Another
     * thread aborts a connection by closing its {@link #raw} socket, which a blocked read notices at once.
     */
    void close() {
        closeQuietly(socket);
        closeQuietly(raw);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do: the connection is discarded either way
        }
    }
}
