package io.github.wecomkit.wxqy;

import static io.github.wecomkit.wxqy.WxQyVectors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.wecomkit.Member;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Each known answer of {@link WxQyVectors} decrypts to the typed result the script's plaintext describes. */
class WxQyDataVectorTest {
    private static final Watermark WATERMARK = new Watermark(APP_ID, WATERMARK_TIME);

    private final WxQyData wxQy = decryptor();

    @Test
    void enterpriseUserInfo_v1_verifiesTheSignatureAndDecryptsTheMember() {
        EnterpriseUserInfo info = wxQy.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA, V1_SIGNATURE, V1_ENCRYPTED, V1_IV);

        assertEquals(new EnterpriseUserInfo(CORP_ID, "zhangsan", "张三", Member.Gender.MALE, WATERMARK), info);
    }

    @Test
    void enterpriseUserInfo_signatureInUpperCase_isAccepted() {
        EnterpriseUserInfo info = wxQy.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA, V1_SIGNATURE.toUpperCase(),
                V1_ENCRYPTED, V1_IV);

        assertEquals("zhangsan", info.userId());
    }

    @Test
    void enterpriseUserInfo_v6_corpWithoutTheMiniProgram_keepsTheEncryptedUserIdAndReadsGenderAsString() {
        EnterpriseUserInfo info = wxQy.enterpriseUserInfo(SESSION_KEY, V6_RAW_DATA, V6_SIGNATURE, V6_ENCRYPTED, V6_IV);

        assertEquals(new EnterpriseUserInfo(V6_CORP_ID, V6_USER_ID, "", Member.Gender.FEMALE, WATERMARK), info);
    }

    @Test
    void mobile_v2_readsTheMobileField() {
        assertEquals(new MobileInfo(V2_MOBILE, WATERMARK), wxQy.mobile(SESSION_KEY, V2_ENCRYPTED, V2_IV));
    }

    @Test
    void mobile_v3_weChatPhoneNumberShape_readsPhoneNumber() {
        assertEquals(new MobileInfo(V3_MOBILE, WATERMARK), wxQy.mobile(SESSION_KEY, V3_ENCRYPTED, V3_IV));
    }

    @Test
    void email_v4_decryptsTheAddress() {
        assertEquals(new EmailInfo(V4_EMAIL, WATERMARK), wxQy.email(SESSION_KEY, V4_ENCRYPTED, V4_IV));
    }

    @Test
    void email_v5_plaintextOfWholeBlocks_removesAFullPaddingBlock() {
        assertEquals(new EmailInfo(V5_EMAIL, WATERMARK), wxQy.email(SESSION_KEY, V5_ENCRYPTED, V5_IV));
    }

    @Test
    void email_v7_timestampInMilliseconds_isReadAsMilliseconds() {
        EmailInfo email = wxQy.email(SESSION_KEY, V7_ENCRYPTED, V7_IV);

        assertEquals(new EmailInfo(V7_EMAIL, new Watermark(APP_ID, Instant.ofEpochMilli(TIMESTAMP * 1000 + 123))),
                email);
    }

    @Test
    void maxAge_ofBillionsOfYears_doesNotOverflow() {
        WxQyData strict = WxQyData.builder().appId(APP_ID).maxAge(Duration.ofSeconds(Long.MAX_VALUE))
                .clock(clockAt(WATERMARK_TIME)).build();

        assertEquals(V7_EMAIL, strict.email(SESSION_KEY, V7_ENCRYPTED, V7_IV).email());
    }

    @Test
    void maxAge_exactlyAsOldAsAllowed_isAccepted() {
        WxQyData strict = WxQyData.builder().appId(APP_ID).maxAge(Duration.ofMinutes(5))
                .clock(clockAt(WATERMARK_TIME.plus(Duration.ofMinutes(5)))).build();

        assertEquals(V4_EMAIL, strict.email(SESSION_KEY, V4_ENCRYPTED, V4_IV).email());
    }

    @Test
    void maxAge_timestampAheadOfTheServerClock_isAccepted() {
        WxQyData strict = WxQyData.builder().appId(APP_ID).maxAge(Duration.ofMinutes(5))
                .clock(clockAt(WATERMARK_TIME.minus(Duration.ofHours(1)))).build();

        assertEquals(V2_MOBILE, strict.mobile(SESSION_KEY, V2_ENCRYPTED, V2_IV).mobile());
    }

    @Test
    void withoutMaxAge_aYearOldPayload_isAccepted() {
        WxQyData lenient = WxQyData.builder().appId(APP_ID)
                .clock(clockAt(WATERMARK_TIME.plus(Duration.ofDays(365)))).build();

        assertEquals(Instant.ofEpochSecond(TIMESTAMP), lenient.email(SESSION_KEY, V4_ENCRYPTED, V4_IV)
                .watermark().timestamp());
    }
}
