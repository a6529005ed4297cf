package io.github.wecomkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;

/**
 * The default transport: {@link HttpURLConnection} with the JDK's keep-alive cache. Measured here it is the
 * fastest JDK client for small blocking calls (no selector thread hand-off), which is the login hot path.
 * The request timeout is applied as the socket read timeout.
 */
public final class UrlConnectionTransport implements HttpTransport {
    /** Bodies larger than this are not WeCom's JSON; reading stops instead of filling memory. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final int connectTimeoutMillis;

    public UrlConnectionTransport(Duration connectTimeout) {
        this.connectTimeoutMillis = toMillis(connectTimeout);
    }

    private static int toMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    @Override
    public Response send(String method, String url, byte[] body, Duration timeout) throws TransportFailure {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(toMillis(timeout));
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            connection.setRequestMethod(method);
            connection.setRequestProperty("Accept", "application/json");
            connection.setRequestProperty("User-Agent", Version.USER_AGENT);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json; charset=utf-8");
                // Streaming mode also stops the JDK from silently re-sending a POST after a broken connection.
                connection.setFixedLengthStreamingMode(body.length);
            }
            // connect() only opens (or takes a pooled) connection: a failure here means nothing was sent.
            connection.connect();
        } catch (IOException | IllegalArgumentException e) {
            throw new TransportFailure(describe("could not connect", e), false, e);
        }
        try {
            if (body != null) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            byte[] bytes = in == null ? new byte[0] : readAll(in);
            return new Response(status, bytes);
        } catch (IOException e) {
            connection.disconnect();
            throw new TransportFailure(describe(e instanceof SocketTimeoutException ? "timed out" : "I/O error", e),
                    true, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            byte[] buffer = new byte[8192];
            int total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > MAX_BODY_BYTES) {
                    throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    // Exception messages from the JDK name hosts and ports, never query strings; keep only the class and text.
    static String describe(String what, Exception e) {
        return what + " (" + e.getClass().getSimpleName() + ")";
    }
}
