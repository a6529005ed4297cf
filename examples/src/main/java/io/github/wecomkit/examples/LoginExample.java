package io.github.wecomkit.examples;

import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.testkit.FakeMember;
import io.github.wecomkit.testkit.FakeWeCom;
import java.io.PrintStream;
import java.util.Map;

/**
 * The login a mini-program backend does, start to end: exchange a {@code wx.qy.login} code for the member's
 * session, then read the member. Runs on an embedded {@link FakeWeCom} unless real credentials are set.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples -am compile exec:java
 *
 * # real WeCom: the mini-program app's secret and a fresh code from wx.qy.login (valid 5 minutes, single-use)
 * WECOM_CORP_ID=ww... WECOM_SECRET=... WECOM_CODE=... ./mvnw -q -pl examples -am compile exec:java
 * }</pre>
 */
public final class LoginExample {
    /** The demo corp on the fake server. */
    static final String DEMO_CORP_ID = "ww0000demo0corp0";
    static final String DEMO_SECRET = "demo-mini-program-app-secret";
    static final String DEMO_USER_ID = "zhangsan";

    private LoginExample() {
    }

    /**
     * Runs the example.
     *
     * @param args ignored; configuration comes from the environment
     */
    public static void main(String[] args) {
        int status = run(System.getenv(), System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the example with the given environment.
     *
     * @param env WECOM_CORP_ID, WECOM_SECRET, WECOM_CODE and optionally WECOM_BASE_URL (a proxy)
     * @param out where the session and the member go
     * @param err where problems go
     * @return the exit status: 0 on success
     */
    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        String corpId = env.get("WECOM_CORP_ID");
        String secret = env.get("WECOM_SECRET");
        if (blank(corpId) && blank(secret)) {
            try (FakeWeCom wecom = FakeWeCom.start()) {
                wecom.addCorp(DEMO_CORP_ID, DEMO_SECRET).addMember(FakeMember.builder(DEMO_USER_ID).name("张三")
                        .department(1, 2).position("Backend engineer").build());
                out.println("FakeWeCom running at " + wecom.baseUrl()
                        + " (set WECOM_CORP_ID, WECOM_SECRET and WECOM_CODE to log in against real WeCom)");
                try (WeComClient client = WeComClient.builder().corpId(DEMO_CORP_ID).secret(DEMO_SECRET)
                        .baseUrl(wecom.baseUrl()).build()) {
                    // What wx.qy.login hands the mini-program, which posts it to its backend.
                    String code = wecom.issueCode(DEMO_CORP_ID, DEMO_USER_ID);
                    return login(client, code, out, err);
                }
            }
        }
        if (blank(corpId) || blank(secret) || blank(env.get("WECOM_CODE"))) {
            err.println("Set all of WECOM_CORP_ID, WECOM_SECRET (the mini-program app's secret) and WECOM_CODE"
                    + " (a fresh code from wx.qy.login, valid 5 minutes, single-use), or none of them to use the"
                    + " embedded fake server.");
            return 2;
        }
        WeComClient.Builder builder = WeComClient.builder().corpId(corpId).secret(secret);
        if (!blank(env.get("WECOM_BASE_URL"))) {
            builder.baseUrl(env.get("WECOM_BASE_URL"));
        }
        out.println("Logging in against " + (blank(env.get("WECOM_BASE_URL"))
                ? WeComClient.DEFAULT_BASE_URL : env.get("WECOM_BASE_URL")) + " for corp " + corpId);
        try (WeComClient client = builder.build()) {
            return login(client, env.get("WECOM_CODE"), out, err);
        }
    }

    private static int login(WeComClient client, String code, PrintStream out, PrintStream err) {
        try {
            LoginSession session = client.login(code);
            out.println("session: " + session);
            Member member = client.getUser(session.userId());
            out.println("member:  " + member);
            return 0;
        } catch (WeComException e) {
            // The message carries the errcode and WeCom's errmsg; never a secret, token, code or session key.
            err.println("login failed: " + e.getMessage());
            return 1;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
