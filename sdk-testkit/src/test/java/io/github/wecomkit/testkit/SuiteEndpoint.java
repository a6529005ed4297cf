package io.github.wecomkit.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.wecomkit.callback.CallbackException;
import io.github.wecomkit.suite.SuiteCallbackHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A provider's command URL on the JDK's HTTP server, as a backend would wire a {@link SuiteCallbackHandler}. */
final class SuiteEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final SuiteCallbackHandler handler;

    private SuiteEndpoint(SuiteCallbackHandler handler) {
        this.handler = handler;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/wecom/suite/command", this::serve);
        server.setExecutor(threads);
        server.start();
    }

    static SuiteEndpoint start(SuiteCallbackHandler handler) {
        return new SuiteEndpoint(handler);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/wecom/suite/command";
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> q = new HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            try {
                if ("GET".equals(exchange.getRequestMethod())) {
                    reply(exchange, 200, handler.verifyUrl(q.get("msg_signature"), q.get("timestamp"),
                            q.get("nonce"), q.get("echostr")));
                    return;
                }
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                reply(exchange, 200, handler.handle(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"), body));
            } catch (CallbackException e) {
                reply(exchange, 400, "rejected: " + e.reason());
            } catch (RuntimeException e) {
                reply(exchange, 500, "failed: " + e.getClass().getSimpleName());
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        handler.close();
    }
}
