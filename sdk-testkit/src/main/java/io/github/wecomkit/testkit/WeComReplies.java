package io.github.wecomkit.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes answers shaped like WeCom's: JSON with errcode first, the hint/from-ip/link tail, and the headers. */
final class WeComReplies {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    // WeCom's own English texts where known (our own words for 40008, 40032, 40063, 41011, 301002); the fake
    // never puts a credential into a message.
    private static final Map<Integer, String> MESSAGES = Map.ofEntries(
            Map.entry(-1, "system busy"),
            Map.entry(40001, "invalid credential"),
            Map.entry(40003, "invalid userid"),
            Map.entry(40008, "invalid message type"),
            Map.entry(40013, "invalid corpid"),
            Map.entry(40014, "invalid access_token"),
            Map.entry(40029, "invalid code"),
            Map.entry(40032, "invalid userid list size"),
            Map.entry(40058, "invalid parameter"),
            Map.entry(40063, "some parameters are empty"),
            Map.entry(40078, "invalid auth_code"),
            Map.entry(40080, "invalid suite_secret"),
            Map.entry(40082, "invalid suite_token or provider_access_token"),
            Map.entry(40083, "invalid suite_id"),
            Map.entry(40084, "invalid permanent_code"),
            Map.entry(40085, "invalid suite_ticket"),
            Map.entry(40091, "secret is invalid, the corpsecret belongs to another corp"),
            Map.entry(41001, "access_token missing"),
            Map.entry(41002, "corpid missing"),
            Map.entry(41004, "corpsecret missing"),
            Map.entry(41008, "missing code"),
            Map.entry(41011, "missing agentid"),
            Map.entry(42001, "access_token expired"),
            Map.entry(42007, "pre_auth_code expired"),
            Map.entry(42009, "suite_access_token expired"),
            Map.entry(45009, "api freq out of limit"),
            Map.entry(45033, "api concurrent out of limit"),
            Map.entry(47001, "data format error"),
            Map.entry(48002, "api forbidden"),
            Map.entry(48004, "auth relation invalid"),
            Map.entry(60011, "no privilege to access/modify contact/party/agent"),
            Map.entry(60020, "not allow to access from your ip"),
            Map.entry(60111, "userid not found"),
            Map.entry(81013, "user & party & tag all invalid"),
            Map.entry(92002, "not allow to cross corp"),
            Map.entry(301002, "not allow operate another agent with this accesstoken"));

    private WeComReplies() {
    }

    /** The errmsg WeCom would send for a code: its text, then hint, caller IP and the error-lookup link. */
    static String errmsg(int errcode, String fromIp, Instant now) {
        String text = MESSAGES.getOrDefault(errcode, "error");
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return text + ", hint: [" + now.getEpochSecond() + "_" + (RANDOM.nextInt(90) + 10) + "_"
                + HexFormat.of().formatHex(id) + "], from ip: " + fromIp
                + ", more info at https://open.work.weixin.qq.com/devtool/query?e=" + errcode;
    }

    static Map<String, Object> ok() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errcode", 0);
        body.put("errmsg", "ok");
        return body;
    }

    static Map<String, Object> error(int errcode, String fromIp, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errcode", errcode);
        body.put("errmsg", errmsg(errcode, fromIp, now));
        return body;
    }

    /** Sends a WeCom JSON answer: always HTTP 200, with the Error-Code and Error-Msg headers WeCom adds. */
    static void sendJson(HttpExchange exchange, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.getResponseHeaders().set("Error-Code", String.valueOf(body.get("errcode")));
        exchange.getResponseHeaders().set("Error-Msg", String.valueOf(body.get("errmsg")));
        send(exchange, 200, bytes);
    }

    static void sendRaw(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
