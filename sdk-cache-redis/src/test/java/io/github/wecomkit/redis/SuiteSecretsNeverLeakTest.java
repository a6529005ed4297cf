package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.callback.CallbackEvent;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.suite.AuthType;
import io.github.wecomkit.suite.InMemoryPermanentCodeStore;
import io.github.wecomkit.suite.InMemorySuiteTicketStore;
import io.github.wecomkit.suite.Installation;
import io.github.wecomkit.suite.PreAuthCode;
import io.github.wecomkit.suite.SuiteCallbackHandler;
import io.github.wecomkit.suite.SuiteClient;
import io.github.wecomkit.suite.SuiteSession;
import io.github.wecomkit.suite.SuiteTicket;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeSuite;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Runs the provider flow through success and failure (wrong secrets, refused tickets, used auth codes, cancelled
 * corps, dropped connections, proxy pages, errmsgs that echo what was sent) with every log level on, and checks
 * that no suite secret, provider secret, suite ticket, pre-auth code, auth code, permanent code, login code,
 * session key or suite, corp or provider token appears in a log line, an exception (message, causes, stack trace)
 * or a {@code toString()}.
 */
class SuiteSecretsNeverLeakTest {
    private static final String SUITE = "wwsuite0000000001";
    private static final String SUITE_SECRET = "SuiteSecret-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    private static final String PROVIDER = "wwprovider000001";
    private static final String PROVIDER_SECRET = "ProviderSecret-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String CORP_A = "wwcorpa000000001";
    private static final String CORP_B = "wwcorpb000000002";
    private static final String TOKEN = "suiteCallbackToken";
    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private final Set<String> secrets = new LinkedHashSet<>();
    private final List<String> outputs = new ArrayList<>();
    private final List<RuntimeException> asyncFailures = new CopyOnWriteArrayList<>();

    private void scenario(String name, Supplier<Object> call) {
        try {
            Object result = call.get();
            outputs.add(name + " -> " + result);
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            outputs.add(name + " -> " + e + "\n" + trace);
        }
    }

    @Test
    void noSecretOfTheProviderFlow_appearsInLogsExceptionsOrToString() {
        LogCapture.clear();
        secrets.add(SUITE_SECRET);
        secrets.add(PROVIDER_SECRET);
        try (FakeWeCom wecom = FakeWeCom.builder().clock(Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"),
                ZoneOffset.UTC)).start()) {
            wecom.addCorp(CORP_A, "secret-a").addMember("zhangsan", "张三");
            wecom.addCorp(CORP_B, "secret-b").addMember("lisi", "李四");
            wecom.provider(PROVIDER, PROVIDER_SECRET);
            FakeSuite fake = wecom.addSuite(SUITE, SUITE_SECRET);
            InMemoryPermanentCodeStore codes = new InMemoryPermanentCodeStore();
            InMemorySuiteTicketStore tickets = new InMemorySuiteTicketStore(wecom.clock());
            SuiteClient.Builder builder = SuiteClient.builder().suiteId(SUITE).suiteSecret(SUITE_SECRET)
                    .permanentCodeStore(codes).ticketStore(tickets).tokenStore(new InMemoryTokenStore(wecom.clock()))
                    .baseUrl(wecom.baseUrl()).clock(wecom.clock()).requestTimeout(Duration.ofMillis(500))
                    .retryPolicy(RetryPolicy.none()).provider(PROVIDER, PROVIDER_SECRET);
            outputs.add(builder.toString());
            try (SuiteClient suite = builder.build()) {
                SuiteCallbackHandler handler = SuiteCallbackHandler.builder().suite(suite)
                        .callback(WeComCallback.builder().token(TOKEN).encodingAesKey(AES_KEY).receiveIds(SUITE)
                                .clock(wecom.clock()).build())
                        .executor(Runnable::run)
                        .onInstalled(i -> outputs.add("installed " + i))
                        .onEvent(e -> outputs.add("event " + e))
                        .onFailure((CallbackEvent e, RuntimeException x) -> asyncFailures.add(x))
                        .build();
                try (CommandEndpoint endpoint = new CommandEndpoint(handler)) {
                    fake.commandUrl(endpoint.url(), TOKEN, AES_KEY);
                    run(wecom, fake, suite, codes, tickets);
                    outputs.add(handler.toString());
                    outputs.add(endpoint.toString());
                }
                outputs.add(suite.toString());
                outputs.add(suite.provider().toString());
                outputs.add(suite.suiteTokenStatus().toString());
            }
            secrets.addAll(fake.pushedTickets());
            secrets.addAll(fake.liveSuiteTokens());
            secrets.addAll(wecom.liveTokens(CORP_A));
            secrets.addAll(wecom.liveTokens(CORP_B));
            secrets.addAll(wecom.liveProviderTokens(PROVIDER));
            outputs.add(codes.toString());
            outputs.add(tickets.toString());
        }
        for (RuntimeException e : asyncFailures) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            outputs.add(trace.toString());
        }
        String logs = LogCapture.allText();
        assertTrue(logs.contains("installed in corp " + CORP_A), "the scenarios ran with logging on");
        assertTrue(secrets.size() > 15, "secrets collected: " + secrets.size());
        String all = String.join("\n", outputs);
        for (String secret : secrets) {
            assertFalse(logs.contains(secret), () -> "a secret was logged: " + describe(secret));
            assertFalse(all.contains(secret), () -> "a secret reached an exception or toString: " + describe(secret));
        }
    }

    private void run(FakeWeCom wecom, FakeSuite fake, SuiteClient suite, InMemoryPermanentCodeStore codes,
                     InMemorySuiteTicketStore tickets) {
        scenario("no ticket yet", suite::preAuthCode);
        fake.pushTicket();
        outputs.add(tickets.newest(SUITE).map(SuiteTicket::toString).orElse("none"));
        scenario("pre-auth code", () -> {
            PreAuthCode pre = suite.preAuthCode();
            secrets.add(pre.value());
            return pre;
        });
        scenario("install link", () -> {
            String link = suite.installUrl("https://provider.example/installed", "s1", AuthType.FORMAL);
            String query = URI.create(link).getRawQuery();
            secrets.add(URLDecoder.decode(query.replaceAll(".*pre_auth_code=([^&]*).*", "$1"), StandardCharsets.UTF_8));
            String redirect = fake.openInstallUrl(link, CORP_A);
            String authCode = URLDecoder.decode(URI.create(redirect).getRawQuery()
                    .replaceAll(".*auth_code=([^&]*).*", "$1"), StandardCharsets.UTF_8);
            secrets.add(authCode);
            Installation installed = suite.install(authCode);
            secrets.add(installed.permanentCode());
            scenario("auth code used again", () -> suite.install(authCode));
            return installed;
        });
        scenario("market install", () -> {
            FakeSuite.Push push = fake.installFromMarket(CORP_B);
            secrets.add(push.value());
            secrets.add(codes.get(SUITE, CORP_B).orElse("none"));
            return push;
        });
        for (String corp : List.of(CORP_A, CORP_B)) {
            String user = corp.equals(CORP_A) ? "zhangsan" : "lisi";
            scenario("login " + corp, () -> {
                String code = wecom.issueCode(corp, user);
                secrets.add(code);
                SuiteSession session = suite.login(code);
                secrets.add(session.sessionKey());
                scenario("login code used again", () -> suite.login(code));
                return session + " " + suite.corp(corp).getUser(session.userId());
            });
        }
        scenario("provider", () -> suite.provider().openCorpId(CORP_A));
        scenario("suite token revoked", () -> {
            secrets.addAll(fake.liveSuiteTokens());
            fake.revokeSuiteTokens();
            return suite.preAuthCode();
        });
        scenario("corp token revoked", () -> {
            secrets.addAll(wecom.liveTokens(CORP_A));
            wecom.revokeTokens(CORP_A);
            return suite.corp(CORP_A).getUser("zhangsan");
        });
        // Each failure a couple of minutes apart: a token rejected right after its refresh is a configuration
        // failure with a cooldown of its own, which would hide the next scenario.
        wecom.advance(Duration.ofMinutes(2));
        scenario("errmsg echoes the body", () -> {
            secrets.addAll(fake.liveSuiteTokens());
            fake.revokeSuiteTokens();
            String ticket = tickets.newest(SUITE).orElseThrow().value();
            wecom.respondNext(FakeApi.GET_SUITE_TOKEN, 1, 200, "{\"errcode\":40080,\"errmsg\":\"invalid suite_secret "
                    + SUITE_SECRET + " for ticket " + ticket + "\"}");
            return suite.preAuthCode();
        });
        wecom.advance(Duration.ofMinutes(2));
        scenario("auth info, echoed code", () -> {
            String code = codes.get(SUITE, CORP_A).orElseThrow();
            wecom.respondNext(FakeApi.GET_AUTH_INFO, 1, 200, "{\"errcode\":40084,\"errmsg\":\"invalid permanent_code "
                    + code + "\"}");
            return suite.authInfo(CORP_A);
        });
        wecom.advance(Duration.ofMinutes(2));
        scenario("proxy page", () -> {
            wecom.respondNext(FakeApi.GET_CORP_TOKEN, 1, 502, "<html>bad gateway</html>");
            secrets.addAll(wecom.liveTokens(CORP_B));
            wecom.revokeTokens(CORP_B);
            return suite.corp(CORP_B).getUser("lisi");
        });
        wecom.advance(Duration.ofMinutes(2));
        scenario("dropped connection at get_permanent_code", () -> {
            String authCode = fake.authorize(CORP_A);
            secrets.add(authCode);
            wecom.dropNext(FakeApi.GET_PERMANENT_CODE, 1);
            return suite.install(authCode);
        });
        scenario("ticket refused", () -> {
            secrets.addAll(fake.liveSuiteTokens());
            fake.revokeSuiteTokens();
            fake.ticketRule(FakeSuite.TicketRule.NEWEST_ONLY);
            wecom.advance(Duration.ofMinutes(31));
            fake.pushTicket(); // delivered and kept; then WeCom refuses it once
            wecom.failNext(FakeApi.GET_SUITE_TOKEN, 1, 40085);
            return suite.preAuthCode();
        });
        scenario("cancel", () -> fake.cancel(CORP_A).answer());
        scenario("cancelled corp", () -> suite.authInfo(CORP_A));
        outputs.add(suite.isAuthorized(CORP_B) ? "B still authorised" : "B lost");
    }

    private static String describe(String secret) {
        return secret.length() + " chars starting " + secret.substring(0, Math.min(4, secret.length()));
    }
}
