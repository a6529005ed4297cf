package io.github.wecomkit.examples.boot;

import io.github.wecomkit.testkit.FakeMember;
import io.github.wecomkit.testkit.FakeWeCom;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the example without a WeCom account: when {@code wecom.corp-id} is not set, starts a {@link FakeWeCom}
 * with a demo corp and member, points {@code wecom.*} at it (as the lowest-precedence properties) and registers it
 * as the bean {@code fakeWeCom}, closed with the context. Registered in {@code META-INF/spring.factories}.
 */
public final class DemoWeCom implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    static final String CORP_ID = "ww0000demo0corp0";
    static final String SECRET = "demo-mini-program-app-secret";
    static final String USER_ID = "zhangsan";
    static final String CALLBACK_TOKEN = "wecomkitDemoToken";
    static final String CALLBACK_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        if (env.getProperty("wecom.corp-id") != null || !env.getProperty("wecom.enabled", Boolean.class, true)) {
            return; // real WeCom
        }
        FakeWeCom wecom = FakeWeCom.start();
        wecom.addCorp(CORP_ID, SECRET).addMember(FakeMember.builder(USER_ID).name("张三").department(1, 2)
                .position("Backend engineer").build());
        Map<String, Object> demo = new LinkedHashMap<>();
        demo.put("wecom.corp-id", CORP_ID);
        demo.put("wecom.secret", SECRET);
        demo.put("wecom.base-url", wecom.baseUrl());
        demo.put("wecom.callback.token", CALLBACK_TOKEN);
        demo.put("wecom.callback.encoding-aes-key", CALLBACK_AES_KEY);
        env.getPropertySources().addLast(new MapPropertySource("demoWeCom", demo));
        context.getBeanFactory().registerSingleton("fakeWeCom", wecom);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                wecom.close();
            }
        });
    }
}
