package io.github.wecomkit.benchmarks;

import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The JDK {@code HttpClient} with its default executor plus Jackson, written by hand. */
final class HttpClientBaseline implements Contender {

    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HandWrittenToken token;

    HttpClientBaseline(String baseUrl) {
        this.baseUrl = baseUrl;
        this.token = new HandWrittenToken(() -> get("/cgi-bin/gettoken?corpid=" + StubWeCom.CORP_ID
                + "&corpsecret=" + StubWeCom.SECRET, Json.TOKEN));
    }

    @Override
    public String name() {
        return "JDK HttpClient + Jackson (hand-written)";
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

    private <T> T get(String pathAndQuery, ObjectReader reader) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return reader.readValue(client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body());
    }
}
