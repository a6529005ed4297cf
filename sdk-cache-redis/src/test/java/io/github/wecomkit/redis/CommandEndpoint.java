package io.github.wecomkit.redis;

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

/** A provider's command URL on the JDK's HTTP server, wired to a {@link SuiteCallbackHandler} as a backend would. */
final class CommandEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final SuiteCallbackHandler handler;

    CommandEndpoint(SuiteCallbackHandler handler) {
        this.handler = handler;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/command", this::serve);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/command";
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> q = new HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            int status = 200;
            String answer;
            try {
                if ("GET".equals(exchange.getRequestMethod())) {
                    answer = handler.verifyUrl(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"),
                            q.get("echostr"));
                } else {
                    String body;
                    try (InputStream in = exchange.getRequestBody()) {
                        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    answer = handler.handle(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"), body);
                }
            } catch (CallbackException e) {
                status = 400;
                answer = "rejected: " + e.reason();
            } catch (RuntimeException e) {
                status = 500;
                answer = e.getClass().getSimpleName();
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
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
