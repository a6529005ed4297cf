package io.github.wecomkit.benchmarks;

import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * {@code HttpURLConnection} with keep-alive plus Jackson, written by hand: the fastest client measured here and
 * so the limit for an SDK's overhead.
 */
final class UrlConnectionBaseline implements Contender {

    private final String baseUrl;
    private final HandWrittenToken token;

    UrlConnectionBaseline(String baseUrl) {
        this.baseUrl = baseUrl;
        this.token = new HandWrittenToken(() -> get("/cgi-bin/gettoken?corpid=" + StubWeCom.CORP_ID
                + "&corpsecret=" + StubWeCom.SECRET, Json.TOKEN));
    }

    @Override
    public String name() {
        return "HttpURLConnection + Jackson (hand-written)";
    }

    @Override
    public String login(String code) throws Exception {
        SessionResponse session = get("/cgi-bin/miniprogram/jscode2session?access_token=" + token.get()
                + "&js_code=" + code + "&grant_type=authorization_code", Json.SESSION);
        if (session.errcode() != 0) {
            throw new IllegalStateException("jscode2session errcode=" + session.errcode());
        }
        return session.userid();
    }

    @Override
    public String getUser(String userId) throws Exception {
        MemberResponse member = get("/cgi-bin/user/get?access_token=" + token.get() + "&userid=" + userId,
                Json.MEMBER);
        if (member.errcode() != 0) {
            throw new IllegalStateException("user/get errcode=" + member.errcode());
        }
        return member.name();
    }

    private <T> T get(String pathAndQuery, ObjectReader reader) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl + pathAndQuery).toURL()
                .openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        // Reading the body to its end and closing the stream (not disconnect()) returns the socket to the pool.
        try (InputStream body = connection.getInputStream()) {
            return reader.readValue(body);
        }
    }
}
