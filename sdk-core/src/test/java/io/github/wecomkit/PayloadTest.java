package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.SESSION_KEY;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static io.github.wecomkit.testing.Payloads.USER;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.wecomkit.error.CorpMismatchException;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** login and getUser on WeCom's documented example answers, and what goes on the wire. */
@Timeout(30)
class PayloadTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String JSCODE2SESSION = "/cgi-bin/miniprogram/jscode2session";
    private static final String USER_GET = "/cgi-bin/user/get";
    private static final String OTHER_CORP = "wwother000000002";

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

    private WeComClient.Builder builder() {
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wm.baseUrl()).clock(clock)
                .sleeper(new RecordingSleeper()).refreshExecutor(new ManualExecutor());
    }

    private WeComClient client() {
        return builder().build();
    }

    @BeforeEach
    void stubToken() {
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(okJson(Payloads.token(TOKEN_1, 7200))));
    }

    private static void stubSession(String json) {
        wm.stubFor(get(urlPathEqualTo(JSCODE2SESSION)).willReturn(okJson(json)));
    }

    private static LoggedRequest onlyRequestTo(String path) {
        List<LoggedRequest> all = wm.findAll(getRequestedFor(urlPathEqualTo(path)));
        assertEquals(1, all.size(), path);
        return all.get(0);
    }

    @Test
    void login_onTheDocumentedAnswer_returnsCorpUserAndSessionKey() {
        stubSession(Payloads.session(CORP_ID, USER_ID));

        LoginSession s = client().login(CODE);

        assertEquals(CORP_ID, s.corpId());
        assertEquals(USER_ID, s.userId());
        assertEquals(SESSION_KEY, s.sessionKey());
        assertEquals(Optional.empty(), s.deviceId());
        assertEquals(Optional.empty(), s.openUserId());
        assertFalse(s.toString().contains(SESSION_KEY), s.toString());
    }

    @Test
    void login_sendsTokenCodeAndGrantTypeOnTheQuery() {
        stubSession(Payloads.session(CORP_ID, USER_ID));

        client().login(CODE);

        LoggedRequest r = onlyRequestTo(JSCODE2SESSION);
        assertEquals("GET", r.getMethod().getName());
        assertEquals(JSCODE2SESSION + "?access_token=" + TOKEN_1 + "&js_code=" + CODE
                + "&grant_type=authorization_code", r.getUrl());
    }

    @Test
    void login_whenDeviceIdAndOpenUserIdPresent_returnsThem() {
        stubSession("{\"corpid\":\"" + CORP_ID + "\",\"userid\":\"" + USER_ID + "\",\"session_key\":\""
                + SESSION_KEY + "\",\"deviceid\":\"dev-123\",\"open_userid\":\"woAJ2GCAAAXtWyujaWJHDDGi0mAAAA\","
                + "\"something_new\":[1,{\"a\":null}]}");

        LoginSession s = client().login(CODE);

        assertEquals(Optional.of("dev-123"), s.deviceId());
        assertEquals(Optional.of("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA"), s.openUserId());
        assertTrue(s.toString().contains("dev-123"));
    }

    @Test
    void login_whenErrcodeAbsentOnSuccess_returnsTheSession() {
        stubSession("{\"corpid\":\"" + CORP_ID + "\",\"userid\":\"" + USER_ID + "\",\"session_key\":\""
                + SESSION_KEY + "\"}");

        assertEquals(USER_ID, client().login(CODE).userId());
    }

    @Test
    void login_whenCorpIsNeitherOursNorAccepted_throwsCorpMismatchCarryingTheReturnedCorp() {
        stubSession(Payloads.session(OTHER_CORP, USER_ID));
        WeComClient client = builder().acceptedCorpIds("wwthird000000003").build();

        CorpMismatchException e = assertThrows(CorpMismatchException.class, () -> client.login(CODE));

        assertEquals(OTHER_CORP, e.corpId());
        assertEquals(Set.of(CORP_ID, "wwthird000000003"), e.expectedCorpIds());
        assertTrue(e.getMessage().contains("corpid=" + OTHER_CORP), e.getMessage());
        assertFalse(e.getMessage().contains(SESSION_KEY));
        assertFalse(e.retryable());
        assertEquals(1, wm.findAll(getRequestedFor(urlPathEqualTo(JSCODE2SESSION))).size());
    }

    @Test
    void login_whenCorpIsAnAcceptedOtherCorp_returnsTheSession() {
        stubSession(Payloads.session(OTHER_CORP, USER_ID));

        LoginSession s = builder().acceptedCorpIds(OTHER_CORP).build().login(CODE);

        assertEquals(OTHER_CORP, s.corpId());
        assertEquals(USER_ID, s.userId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"corpid", "userid", "session_key"})
    void login_whenARequiredFieldIsMissing_throwsDecodeException(String missing) {
        StringBuilder json = new StringBuilder("{\"errcode\":0,\"errmsg\":\"ok\"");
        if (!missing.equals("corpid")) {
            json.append(",\"corpid\":\"").append(CORP_ID).append('"');
        }
        if (!missing.equals("userid")) {
            json.append(",\"userid\":\"").append(USER_ID).append('"');
        }
        if (!missing.equals("session_key")) {
            json.append(",\"session_key\":\"").append(SESSION_KEY).append('"');
        }
        stubSession(json.append('}').toString());

        WeComDecodeException e = assertThrows(WeComDecodeException.class, () -> client().login(CODE));

        assertEquals("miniprogram/jscode2session", e.api());
        assertFalse(e.getMessage().contains(SESSION_KEY));
        assertFalse(e.getMessage().contains(CODE));
    }

    @Test
    void login_whenRequiredFieldIsEmptyString_throwsDecodeException() {
        stubSession("{\"corpid\":\"" + CORP_ID + "\",\"userid\":\"\",\"session_key\":\"" + SESSION_KEY + "\"}");

        assertThrows(WeComDecodeException.class, () -> client().login(CODE));
    }

    @Test
    void login_whenAFieldHasTheWrongType_throwsDecodeExceptionWithoutTheBody() {
        stubSession("{\"corpid\":{\"nested\":true},\"userid\":\"" + USER_ID + "\",\"session_key\":\"" + SESSION_KEY
                + "\"}");

        WeComDecodeException e = assertThrows(WeComDecodeException.class, () -> client().login(CODE));

        assertFalse(e.getMessage().contains(SESSION_KEY), e.getMessage());
    }

    @Test
    void getUser_onTheDocumentedAnswer_mapsEveryField() {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(USER)));

        Member m = client().getUser(USER_ID);

        assertEquals("zhangsan", m.userId());
        assertEquals("张三", m.name());
        assertEquals(List.of(1L, 2L), m.department());
        assertEquals(List.of(1L, 2L), m.order());
        assertEquals(Optional.of("后台工程师"), m.position());
        assertEquals(Optional.of("13800000000"), m.mobile());
        assertEquals(Optional.of(Member.Gender.MALE), m.gender());
        assertEquals(Optional.of("zhangsan@gzdev.com"), m.email());
        assertEquals(Optional.of("zhangsan@qyycs2.wecom.work"), m.bizMail());
        assertEquals(List.of(true, false), m.leaderInDepartment());
        assertEquals(List.of("lisi", "wangwu"), m.directLeader());
        assertTrue(m.avatar().orElseThrow().endsWith("/0"));
        assertTrue(m.thumbAvatar().orElseThrow().endsWith("/100"));
        assertEquals(Optional.of("020-123456"), m.telephone());
        assertEquals(Optional.of("jackzhang"), m.alias());
        assertEquals(Optional.of("广州市海珠区新港中路"), m.address());
        assertEquals(Optional.of("xxxxxx"), m.openUserId());
        assertEquals(OptionalLong.of(1), m.mainDepartment());
        assertEquals(Member.Status.ACTIVE, m.status());
        assertEquals(1, m.statusCode());
        assertEquals(Optional.of("https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=xxx"), m.qrCode());
        assertEquals(Optional.of("产品经理"), m.externalPosition());
        assertEquals(Optional.of(true), m.enabled());
        assertEquals(Optional.empty(), m.englishName());

        List<Member.Attribute> attrs = m.attributes();
        assertEquals(2, attrs.size());
        assertEquals(Member.Attribute.Type.TEXT, attrs.get(0).type());
        assertEquals("文本名称", attrs.get(0).name());
        assertEquals(Optional.of("文本"), attrs.get(0).text());
        assertEquals(Optional.empty(), attrs.get(0).url());
        assertEquals(Member.Attribute.Type.WEB, attrs.get(1).type());
        assertEquals("网页名称", attrs.get(1).name());
        assertEquals(Optional.of("http://www.test.com"), attrs.get(1).url());
        assertEquals(Optional.of("标题"), attrs.get(1).title());
        assertEquals(Optional.empty(), attrs.get(1).text());

        Member.ExternalProfile p = m.externalProfile().orElseThrow();
        assertEquals(Optional.of("企业简称"), p.externalCorpName());
        assertEquals(Optional.of("视频号名称"), p.wechatChannelsNickname());
        assertEquals(3, p.attributes().size());
        assertEquals(Member.Attribute.Type.TEXT, p.attributes().get(0).type());
        assertEquals(Member.Attribute.Type.WEB, p.attributes().get(1).type());
        Member.Attribute mini = p.attributes().get(2);
        assertEquals(Member.Attribute.Type.MINIPROGRAM, mini.type());
        assertEquals("测试app", mini.name());
        assertEquals(Optional.of("wx8bd80126147dFAKE"), mini.appId());
        assertEquals(Optional.of("/index"), mini.pagePath());
        assertEquals(Optional.of("my miniprogram"), mini.title());
        assertEquals(Optional.empty(), mini.url());

        assertThrows(UnsupportedOperationException.class, () -> m.department().add(3L));
        assertThrows(UnsupportedOperationException.class, () -> m.attributes().clear());
        assertThrows(UnsupportedOperationException.class, () -> m.directLeader().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> m.leaderInDepartment().add(true));
        assertFalse(m.toString().contains("13800000000"), m.toString());
    }

    @Test
    void getUser_onAMinimalAnswer_leavesRestrictedFieldsEmpty() {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(
                "{\"errcode\":0,\"errmsg\":\"ok\",\"userid\":\"lisi\",\"name\":\"李四\",\"department\":[3],"
                        + "\"status\":4}")));

        Member m = client().getUser("lisi");

        assertEquals("lisi", m.userId());
        assertEquals("李四", m.name());
        assertEquals(List.of(3L), m.department());
        assertEquals(List.of(), m.order());
        assertEquals(Member.Status.NOT_ACTIVATED, m.status());
        assertEquals(Optional.empty(), m.mobile());
        assertEquals(Optional.empty(), m.gender());
        assertEquals(Optional.empty(), m.email());
        assertEquals(Optional.empty(), m.bizMail());
        assertEquals(Optional.empty(), m.avatar());
        assertEquals(Optional.empty(), m.thumbAvatar());
        assertEquals(Optional.empty(), m.qrCode());
        assertEquals(Optional.empty(), m.address());
        assertEquals(Optional.empty(), m.position());
        assertEquals(Optional.empty(), m.telephone());
        assertEquals(Optional.empty(), m.alias());
        assertEquals(Optional.empty(), m.openUserId());
        assertEquals(Optional.empty(), m.externalPosition());
        assertEquals(Optional.empty(), m.externalProfile());
        assertEquals(Optional.empty(), m.enabled());
        assertEquals(OptionalLong.empty(), m.mainDepartment());
        assertEquals(List.of(), m.attributes());
        assertEquals(List.of(), m.leaderInDepartment());
        assertEquals(List.of(), m.directLeader());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0:UNDEFINED", "1:MALE", "2:FEMALE"})
    void getUser_mapsGenderCodes(String pair) {
        String[] p = pair.split(":");
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(
                "{\"userid\":\"lisi\",\"name\":\"李四\",\"gender\":\"" + p[0] + "\"}")));

        assertEquals(Optional.of(Member.Gender.valueOf(p[1])), client().getUser("lisi").gender());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5, 9})
    void getUser_mapsStatusCodes(int status) {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(
                "{\"userid\":\"lisi\",\"status\":" + status + "}")));

        Member m = client().getUser("lisi");

        assertEquals(status, m.statusCode());
        Member.Status expected = switch (status) {
            case 1 -> Member.Status.ACTIVE;
            case 2 -> Member.Status.DISABLED;
            case 4 -> Member.Status.NOT_ACTIVATED;
            case 5 -> Member.Status.LEFT;
            default -> Member.Status.UNKNOWN;
        };
        assertEquals(expected, m.status());
    }

    @Test
    void getUser_whenUseridMissing_throwsDecodeException() {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson("{\"errcode\":0,\"errmsg\":\"ok\",\"name\":\"x\"}")));

        WeComDecodeException e = assertThrows(WeComDecodeException.class, () -> client().getUser(USER_ID));

        assertEquals("user/get", e.api());
    }

    @Test
    void getUser_urlEncodesTheUserIdExactly() {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(USER)));
        String userId = "a&b+c d张三=%?#/";

        client().getUser(userId);

        LoggedRequest r = onlyRequestTo(USER_GET);
        assertEquals(USER_GET + "?access_token=" + TOKEN_1
                + "&userid=a%26b%2Bc+d%E5%BC%A0%E4%B8%89%3D%25%3F%23%2F", r.getUrl());
        assertEquals(1, r.getQueryParams().size() - 1, "the value stayed one parameter: " + r.getQueryParams());
    }

    @Test
    void gettoken_urlEncodesCorpIdAndSecret() {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(USER)));
        String secret = "s3cr&t+/=value";

        builder().secret(secret).build().getUser(USER_ID);

        assertEquals("/cgi-bin/gettoken?corpid=" + CORP_ID + "&corpsecret=s3cr%26t%2B%2F%3Dvalue",
                onlyRequestTo("/cgi-bin/gettoken").getUrl());
    }
}
