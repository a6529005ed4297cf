package io.github.wecomkit.wxqy;

import io.github.wecomkit.Member;

import java.util.Objects;

/**
 * The member behind a {@code wx.qy.getEnterpriseUserInfo} payload, decrypted and checked by
 * {@link WxQyData#enterpriseUserInfo(io.github.wecomkit.LoginSession, String, String, String, String)}.
 *
 * <pre>{@code
 * EnterpriseUserInfo info = client.wxQy().enterpriseUserInfo(session, rawData, signature, encryptedData, iv);
 * greet(info.name(), info.gender());
 * }</pre>
 *
 * @param corpId    the corp the member belongs to
 * @param userId    the member's userid; WeCom sends an encrypted userid when that corp has not associated the
 *                  mini-program
 * @param name      the member's name, or {@code ""} when WeCom leaves it out (third-party apps no longer get it)
 * @param gender    the gender; {@link Member.Gender#UNDEFINED} when not set, not allowed, or left out
 * @param watermark the mini-program and time the data was made for
 */
public record EnterpriseUserInfo(String corpId, String userId, String name, Member.Gender gender,
                                 Watermark watermark) {
    /**
     * @param corpId    the corp
     * @param userId    the userid
     * @param name      the name, {@code ""} if unknown
     * @param gender    the gender
     * @param watermark the watermark
     */
    public EnterpriseUserInfo {
        Objects.requireNonNull(corpId, "corpId == null");
        Objects.requireNonNull(userId, "userId == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(gender, "gender == null");
        Objects.requireNonNull(watermark, "watermark == null");
    }
}
