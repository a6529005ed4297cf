package io.github.wecomkit;

import static io.github.wecomkit.wxqy.WxQyVectors.APP_ID;
import static io.github.wecomkit.wxqy.WxQyVectors.CORP_ID;
import static io.github.wecomkit.wxqy.WxQyVectors.SESSION_KEY;
import static io.github.wecomkit.wxqy.WxQyVectors.V1_ENCRYPTED;
import static io.github.wecomkit.wxqy.WxQyVectors.V1_IV;
import static io.github.wecomkit.wxqy.WxQyVectors.V1_RAW_DATA;
import static io.github.wecomkit.wxqy.WxQyVectors.V1_SIGNATURE;
import static io.github.wecomkit.wxqy.WxQyVectors.V2_ENCRYPTED;
import static io.github.wecomkit.wxqy.WxQyVectors.V2_IV;
import static io.github.wecomkit.wxqy.WxQyVectors.V2_MOBILE;
import static io.github.wecomkit.wxqy.WxQyVectors.V4_EMAIL;
import static io.github.wecomkit.wxqy.WxQyVectors.V4_ENCRYPTED;
import static io.github.wecomkit.wxqy.WxQyVectors.V4_IV;
import static io.github.wecomkit.wxqy.WxQyVectors.WATERMARK_TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.wxqy.WxQyData;
import io.github.wecomkit.wxqy.WxQyDataException;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** {@code WeComClient.wxQy()}: the decryptor for the configured mini-program, on the client's clock. */
class WeComClientWxQyTest {
    private final MutableClock clock = new MutableClock(WATERMARK_TIME.plus(Duration.ofMinutes(10)));
    private final LoginSession session = new LoginSession(CORP_ID, "zhangsan", SESSION_KEY, null, null);

    private WeComClient.Builder builder() {
        return WeComClient.builder().corpId(CORP_ID).secret("secret").clock(clock);
    }

    @Test
    void wxQy_withoutMiniProgramAppId_isIllegalStateException_namingTheOption() {
        WeComClient client = builder().build();

        IllegalStateException e = assertThrows(IllegalStateException.class, client::wxQy);

        assertTrue(e.getMessage().contains("miniProgramAppId(..)"), e.getMessage());
    }

    @Test
    void wxQy_decryptsWithTheLoginSessionsKey() {
        WxQyData wxQy = builder().miniProgramAppId(APP_ID).build().wxQy();

        assertEquals("zhangsan", wxQy.enterpriseUserInfo(session, V1_RAW_DATA, V1_SIGNATURE, V1_ENCRYPTED, V1_IV)
                .userId());
        assertEquals(V2_MOBILE, wxQy.mobile(session, V2_ENCRYPTED, V2_IV).mobile());
        assertEquals(V4_EMAIL, wxQy.email(session, V4_ENCRYPTED, V4_IV).email());
    }

    @Test
    void wxQy_isOneInstance_withTheAppIdAndNoMaxAge() {
        WeComClient client = builder().miniProgramAppId(APP_ID).build();

        assertSame(client.wxQy(), client.wxQy());
        assertEquals(APP_ID, client.wxQy().appId());
        assertEquals(Optional.empty(), client.wxQy().maxAge());
    }

    @Test
    void wxQy_withMaxAge_measuresOnTheClientsClock() {
        WxQyData wxQy = builder().miniProgramAppId(APP_ID).build().wxQy();

        assertEquals(V2_MOBILE, wxQy.withMaxAge(Duration.ofMinutes(10)).mobile(session, V2_ENCRYPTED, V2_IV).mobile());
        clock.advance(Duration.ofSeconds(1));
        WxQyDataException e = assertThrows(WxQyDataException.class,
                () -> wxQy.withMaxAge(Duration.ofMinutes(10)).mobile(session, V2_ENCRYPTED, V2_IV));
        assertEquals(WxQyDataException.Reason.TOO_OLD, e.reason());
    }

    @Test
    void miniProgramAppId_checksAtOnce() {
        assertThrows(NullPointerException.class, () -> builder().miniProgramAppId(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().miniProgramAppId(CORP_ID));
        assertTrue(e.getMessage().contains("corp id"), e.getMessage());
    }

    @Test
    void sessionOverloads_nullSession_isNullPointerException() {
        WxQyData wxQy = builder().miniProgramAppId(APP_ID).build().wxQy();

        NullPointerException e = assertThrows(NullPointerException.class,
                () -> wxQy.mobile((LoginSession) null, V2_ENCRYPTED, V2_IV));

        assertEquals("session == null", e.getMessage());
        assertThrows(NullPointerException.class, () -> wxQy.email((LoginSession) null, V4_ENCRYPTED, V4_IV));
        assertThrows(NullPointerException.class, () -> wxQy.enterpriseUserInfo((LoginSession) null, V1_RAW_DATA,
                V1_SIGNATURE, V1_ENCRYPTED, V1_IV));
    }
}
