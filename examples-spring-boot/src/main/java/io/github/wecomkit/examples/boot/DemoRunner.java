package io.github.wecomkit.examples.boot;

import io.github.wecomkit.testkit.CallbackSender;
import io.github.wecomkit.testkit.FakeWeCom;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * On the embedded fake only: lets FakeWeCom verify the callback URL and send one event, as WeCom would, and prints
 * a ready-to-run {@code curl} line with a fresh, single-use demo code.
 */
@Component
public class DemoRunner implements ApplicationRunner {
    private final ObjectProvider<FakeWeCom> fake;
    private final Environment env;

    /**
     * @param fake the embedded fake, when {@link DemoWeCom} started one
     * @param env  for the server's port and the callback path
     */
    public DemoRunner(ObjectProvider<FakeWeCom> fake, Environment env) {
        this.fake = fake;
        this.env = env;
    }

    @Override
    public void run(ApplicationArguments args) {
        FakeWeCom wecom = fake.getIfAvailable();
        if (wecom == null) {
            return; // real WeCom
        }
        String base = "http://127.0.0.1:" + env.getProperty("local.server.port", "8080");
        CallbackSender callbacks = wecom.callbackSender(base + env.getProperty("wecom.callback.path",
                "/wecom/callback"), DemoWeCom.CALLBACK_TOKEN, DemoWeCom.CALLBACK_AES_KEY, DemoWeCom.CORP_ID);
        System.out.println("FakeWeCom verified the callback URL: " + callbacks.verifyUrl().passed()
                + "; a subscribe event was answered with HTTP " + callbacks.sendSubscribe("lisi").status());
        System.out.println("Try it (a demo code from the embedded FakeWeCom, single-use):");
        System.out.println("  curl -s -X POST " + base + "/api/login -H 'Content-Type: application/json' -d '{\"code\":\""
                + wecom.issueCode(DemoWeCom.CORP_ID, DemoWeCom.USER_ID) + "\"}'");
        System.out.println("Metrics: " + base + "/actuator/metrics/wecom.api.calls   Health: " + base
                + "/actuator/health");
    }
}
