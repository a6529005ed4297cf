package io.github.wecomkit.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.testkit.FakeWeCom;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/**
 * Boot 4 applications speak Jackson 3 ({@code tools.jackson}); wecomkit parses WeCom's JSON with Jackson 2
 * ({@code com.fasterxml.jackson}, the version Boot 4's BOM manages). Both live in one application: its
 * controllers answer with Jackson 3 while wecomkit logs members in underneath.
 */
class Jackson3CoexistenceTest {
    private static final String CORP = "wwjackson0000001";
    private static final String SECRET = "Jackson-Secret-0123456789abcdef";

    @Test
    void anApplicationOnJackson3_logsMembersInThroughWecomkit_andAnswersWithJackson3() throws Exception {
        try (FakeWeCom wecom = FakeWeCom.start();
             ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
                     .web(WebApplicationType.SERVLET).properties("server.port=0", "server.address=127.0.0.1",
                             "spring.main.banner-mode=off",
                             "spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure"
                                     + ".DataRedisAutoConfiguration",
                             "wecom.corp-id=" + CORP, "wecom.secret=" + SECRET, "wecom.base-url=" + wecom.baseUrl())
                     .run()) {
            wecom.addCorp(CORP, SECRET).addMember("zhangsan", "张三");

            assertThat(app.getBeansOfType(JsonMapper.class)).hasSize(1);
            assertThat(app.getBeanNamesForType(com.fasterxml.jackson.databind.ObjectMapper.class)).isEmpty();
            List<HttpMessageConverter<?>> converters = app.getBean(RequestMappingHandlerAdapter.class)
                    .getMessageConverters();
            assertThat(converters).anyMatch(c -> c.getClass().getName()
                    .equals("org.springframework.http.converter.json.JacksonJsonHttpMessageConverter"));
            assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMajorVersion()).isEqualTo(2);

            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/login?code=" + wecom.issueCode(CORP, "zhangsan")))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            // snake_case from a tools.jackson annotation: Jackson 3 wrote this body.
            assertThat(response.body()).isEqualTo("{\"corp_id\":\"" + CORP
                    + "\",\"user_id\":\"zhangsan\",\"display_name\":\"张三\"}");
        }
    }

    /** What the application answers, named the Jackson 3 way. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LoggedIn(String corpId, String userId, String displayName) {
    }

    @RestController
    static class LoginController {
        private final WeComClient wecom;

        LoginController(WeComClient wecom) {
            this.wecom = wecom;
        }

        @PostMapping("/login")
        LoggedIn login(@RequestParam String code) {
            LoginSession session = wecom.login(code);
            Member member = wecom.getUser(session.userId());
            return new LoggedIn(session.corpId(), member.userId(), member.name());
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        LoginController loginController(WeComClient wecom) {
            return new LoginController(wecom);
        }
    }
}
