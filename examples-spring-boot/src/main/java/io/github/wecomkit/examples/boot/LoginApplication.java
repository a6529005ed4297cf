package io.github.wecomkit.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A login backend for a WeCom mini-program on Spring Boot and the wecomkit starter: the mini-program posts the
 * code from {@code wx.qy.login} to {@code /api/login} and gets the member and a session token of this backend.
 * Without {@code wecom.corp-id} it runs on an embedded FakeWeCom ({@link DemoWeCom}); with {@code WECOM_CORPID},
 * {@code WECOM_SECRET} (and {@code WECOM_CALLBACK_TOKEN}, {@code WECOM_CALLBACK_ENCODINGAESKEY} for callbacks)
 * in the environment, against real WeCom.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples-spring-boot -am compile exec:java
 * }</pre>
 */
@SpringBootApplication
public class LoginApplication {

    /**
     * @param args Spring Boot's arguments, e.g. {@code --server.port=8081}
     */
    public static void main(String[] args) {
        SpringApplication.run(LoginApplication.class, args);
    }
}
