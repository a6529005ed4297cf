package io.github.wecomkit.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * A transport over the caller's own {@link HttpClient} (proxies, custom TLS, HTTP/2 settings are theirs; so is
 * closing it, which is why {@link #close()} does nothing).
 * Caveat: over HTTP/1.1 the JDK client itself re-sends a GET that got no response byte, so with this transport a
 * login code may reach WeCom twice after a reset; the second copy then fails with 40029.
 */
public final class JdkHttpClientTransport implements HttpTransport {
    private final HttpClient client;

    public JdkHttpClientTransport(HttpClient client) {
        this.client = client;
    }

    @Override
    public Response send(String method, String url, byte[] body, Duration timeout, boolean idempotent)
            throws TransportFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", Version.USER_AGENT);
        if (body != null) {
            request.header("Content-Type", "application/json; charset=utf-8")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest built = request.build();
        try {
            HttpResponse<byte[]> response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw TransportFailure.connect(TransportFailure.describe("could not connect to " + hostPort(built), e)
                    + " with the caller's HttpClient", Connector.CONNECT_HINT, e);
        } catch (HttpTimeoutException e) {
            throw new TransportFailure(TransportFailure.describe("timed out waiting for " + hostPort(built), e),
                    true, e);
        } catch (IOException e) {
            throw new TransportFailure(TransportFailure.describe("I/O error with " + hostPort(built), e), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportFailure("interrupted", true, e);
        }
    }

    /** The origin only: the path and query stay out of messages. */
    private static String hostPort(HttpRequest request) {
        URI uri = request.uri();
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    /** @return what the caller's client is configured with that matters here: its proxy, if any */
    @Override
    public String toString() {
        return "JdkHttpClientTransport{proxy=" + (client.proxy().isPresent() ? "selector" : "direct") + "}";
    }
}
