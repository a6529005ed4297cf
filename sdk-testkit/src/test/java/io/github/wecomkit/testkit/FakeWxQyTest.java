package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.wxqy.EmailInfo;
import io.github.wecomkit.wxqy.EnterpriseUserInfo;
import io.github.wecomkit.wxqy.MobileInfo;
import io.github.wecomkit.wxqy.Watermark;
import io.github.wecomkit.wxqy.WxQyDataException;
import io.github.wecomkit.wxqy.WxQyDataException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A login on the fake over real HTTP, then the fake's {@code wx.qy.*} payloads for that session, decrypted by the
 * real {@code client.wxQy()}: the whole decrypt path a backend runs.
 */
class FakeWxQyTest {
    private static final String APP_ID = "wx0123456789abcdef";
    private static final String OTHER_APP_ID = "wxfedcba9876543210";
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

    private FakeWeCom wecom;
    private WeComClient client;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.builder().clock(Clock.fixed(START, ZoneOffset.UTC)).start();
        FakeCorp corp = wecom.addCorp("wwcorpa", "secret-a");
        corp.addMember(FakeMember.builder("zhangsan").name("张三").gender("1").mobile("13800138000")
                .email("zhangsan@example.com").build());
        corp.addMember(FakeMember.builder("lisi").name("李四").gender("2").build());
        client = WeComClient.builder().corpId("wwcorpa").secret("secret-a").baseUrl(wecom.baseUrl())
                .clock(wecom.clock()).miniProgramAppId(APP_ID).build();
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    private LoginSession login(String userId) {
        return client.login(wecom.issueCode("wwcorpa", userId));
    }

    private static Reason reasonOf(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(WxQyDataException.class, call).reason();
    }

    @Test
    void enterpriseUserInfo_ofALoggedInSession_decryptsToTheMember() {
        LoginSession session = login("zhangsan");

        FakeWxQy.UserInfoPayload p = wecom.wxQy(session.sessionKey()).enterpriseUserInfo(APP_ID);
        EnterpriseUserInfo info = client.wxQy().enterpriseUserInfo(session, p.rawData(), p.signature(),
                p.encryptedData(), p.iv());

        assertEquals(new EnterpriseUserInfo("wwcorpa", "zhangsan", "张三", Member.Gender.MALE,
                new Watermark(APP_ID, START)), info);
    }

    @ParameterizedTest
    @EnumSource(FakeWxQy.MobileField.class)
    void mobile_underEitherFieldName_decryptsToTheMembersNumber(FakeWxQy.MobileField field) {
        LoginSession session = login("zhangsan");

        FakeWxQy.EncryptedPayload p = wecom.wxQy(session.sessionKey()).mobileField(field).mobile(APP_ID);
        MobileInfo mobile = client.wxQy().mobile(session, p.encryptedData(), p.iv());

        assertEquals(new MobileInfo("13800138000", new Watermark(APP_ID, START)), mobile);
    }

    @Test
    void email_ofALoggedInSession_decryptsToTheMembersAddress() {
        LoginSession session = login("zhangsan");

        FakeWxQy.EncryptedPayload p = wecom.wxQy(session.sessionKey()).email(APP_ID);
        EmailInfo email = client.wxQy().email(session, p.encryptedData(), p.iv());

        assertEquals("zhangsan@example.com", email.email());
    }

    @ParameterizedTest
    @EnumSource(FakeWxQy.MobileField.class)
    void payloadsForAnotherAppId_areRefused(FakeWxQy.MobileField field) {
        LoginSession session = login("zhangsan");
        FakeWxQy wxQy = wecom.wxQy(session.sessionKey()).mobileField(field);

        FakeWxQy.UserInfoPayload info = wxQy.enterpriseUserInfo(OTHER_APP_ID);
        FakeWxQy.EncryptedPayload mobile = wxQy.mobile(OTHER_APP_ID);
        FakeWxQy.EncryptedPayload email = wxQy.email(OTHER_APP_ID);

        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> client.wxQy().enterpriseUserInfo(session,
                info.rawData(), info.signature(), info.encryptedData(), info.iv())));
        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> client.wxQy().mobile(session, mobile.encryptedData(),
                mobile.iv())));
        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> client.wxQy().email(session, email.encryptedData(),
                email.iv())));
    }

    @Test
    void payloadOfAnEarlierLogin_withTheNewSessionKey_isRefused() {
        LoginSession first = login("zhangsan");
        FakeWxQy.UserInfoPayload info = wecom.wxQy(first.sessionKey()).enterpriseUserInfo(APP_ID);
        FakeWxQy.EncryptedPayload email = wecom.wxQy(first.sessionKey()).email(APP_ID);
        LoginSession second = login("zhangsan");

        assertNotEquals(first.sessionKey(), second.sessionKey());
        assertEquals(Reason.BAD_SIGNATURE, reasonOf(() -> client.wxQy().enterpriseUserInfo(second, info.rawData(),
                info.signature(), info.encryptedData(), info.iv())));
        Reason reason = reasonOf(() -> client.wxQy().email(second, email.encryptedData(), email.iv()));
        // A random wrong key breaks the padding almost always; in about 1 in 256 it yields garbage that is not JSON.
        assertTrue(reason == Reason.BAD_CIPHERTEXT || reason == Reason.BAD_JSON, reason.toString());
    }

    @Test
    void watermark_isTheFakesClock_soMaxAgeRefusesAnOldPayload() {
        LoginSession session = login("lisi");
        FakeWxQy.UserInfoPayload early = wecom.wxQy(session.sessionKey()).enterpriseUserInfo(APP_ID);
        wecom.advance(Duration.ofMinutes(10));
        FakeWxQy.UserInfoPayload late = wecom.wxQy(session.sessionKey()).enterpriseUserInfo(APP_ID);

        var strict = client.wxQy().withMaxAge(Duration.ofMinutes(5));

        assertEquals(Reason.TOO_OLD, reasonOf(() -> strict.enterpriseUserInfo(session, early.rawData(),
                early.signature(), early.encryptedData(), early.iv())));
        EnterpriseUserInfo info = strict.enterpriseUserInfo(session, late.rawData(), late.signature(),
                late.encryptedData(), late.iv());
        assertEquals(START.plus(Duration.ofMinutes(10)), info.watermark().timestamp());
        assertEquals(Member.Gender.FEMALE, info.gender());
    }

    @Test
    void toJson_isTheObjectTheMiniProgramGets() throws Exception {
        LoginSession session = login("zhangsan");
        FakeWxQy wxQy = wecom.wxQy(session.sessionKey());
        FakeWxQy.UserInfoPayload info = wxQy.enterpriseUserInfo(APP_ID);
        FakeWxQy.EncryptedPayload mobile = wxQy.mobile(APP_ID);
        ObjectMapper json = new ObjectMapper();

        JsonNode res = json.readTree(info.toJson());
        JsonNode mobileRes = json.readTree(mobile.toJson());

        assertEquals("张三", res.path("userInfo").path("name").asText());
        assertEquals(1, res.path("userInfo").path("gender").asInt());
        assertEquals("zh_CN", res.path("userInfo").path("language").asText());
        assertEquals(json.readTree(res.path("rawData").asText()), res.path("userInfo"));
        assertEquals(info.signature(), res.path("signature").asText());
        assertEquals(info.encryptedData(), res.path("encryptedData").asText());
        assertEquals(info.iv(), res.path("iv").asText());
        assertEquals(mobile.encryptedData(), mobileRes.path("encryptedData").asText());
        assertEquals(mobile.iv(), mobileRes.path("iv").asText());
        assertEquals("13800138000", client.wxQy().mobile(session, mobileRes.path("encryptedData").asText(),
                mobileRes.path("iv").asText()).mobile());
    }

    @Test
    void everyPayload_hasAFreshIv() {
        LoginSession session = login("zhangsan");
        FakeWxQy wxQy = wecom.wxQy(session.sessionKey());

        FakeWxQy.EncryptedPayload a = wxQy.email(APP_ID);
        FakeWxQy.EncryptedPayload b = wxQy.email(APP_ID);

        assertNotEquals(a.iv(), b.iv());
        assertNotEquals(a.encryptedData(), b.encryptedData());
    }

    @Test
    void memberWithoutMobileOrEmail_hasNoSuchPayload() {
        FakeWxQy wxQy = wecom.wxQy(login("lisi").sessionKey());

        assertThrows(IllegalStateException.class, () -> wxQy.mobile(APP_ID));
        assertThrows(IllegalStateException.class, () -> wxQy.email(APP_ID));
    }

    @Test
    void wxQy_ofAKeyTheFakeDidNotIssue_isIllegalArgumentException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> wecom.wxQy("a40cLp8EejWx1ugMTyqTdQ=="));

        assertFalse(e.getMessage().contains("a40cLp8EejWx1ugMTyqTdQ=="), e.getMessage());
        assertThrows(NullPointerException.class, () -> wecom.wxQy(null));
    }

    @Test
    void of_withoutAFakeLogin_makesPayloadsForAnySessionKey() {
        FakeMember member = FakeMember.builder("wangwu").email("wangwu@example.com").build();
        String sessionKey = "ABEiM0RVZneImaq7zN3u/w==";

        FakeWxQy.EncryptedPayload p = FakeWxQy.of(sessionKey, "wwcorpb", member, wecom.clock()).email(APP_ID);

        assertEquals("wangwu@example.com", client.wxQy().email(sessionKey, p.encryptedData(), p.iv()).email());
        assertThrows(IllegalArgumentException.class, () -> FakeWxQy.of("c2hvcnQ=", "wwcorpb", member, wecom.clock()));
        assertThrows(IllegalArgumentException.class, () -> FakeWxQy.of("%%", "wwcorpb", member, wecom.clock()));
        assertFalse(FakeWxQy.of(sessionKey, "wwcorpb", member, wecom.clock()).toString().contains(sessionKey));
    }
}
