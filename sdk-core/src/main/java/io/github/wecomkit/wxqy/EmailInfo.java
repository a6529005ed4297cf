package io.github.wecomkit.wxqy;

import java.util.Objects;

/**
 * The email address from a {@code wx.qy.getEmail} payload, decrypted and checked by
 * {@link WxQyData#email(io.github.wecomkit.LoginSession, String, String)}. {@link #toString()} hides the part
 * before the {@code @}.
 *
 * <pre>{@code
 * EmailInfo info = client.wxQy().email(session, encryptedData, iv);
 * members.saveEmail(session.userId(), info.email());
 * }</pre>
 *
 * @param email     the member's email address, as WeCom wrote it
 * @param watermark the mini-program and time the data was made for
 */
public record EmailInfo(String email, Watermark watermark) {
    /**
     * @param email     the email address
     * @param watermark the watermark
     */
    public EmailInfo {
        Objects.requireNonNull(email, "email == null");
        Objects.requireNonNull(watermark, "watermark == null");
    }

    /** @return the watermark and the address with its local part masked (the corp's domain stays readable) */
    @Override
    public String toString() {
        return "EmailInfo[email=" + mask(email) + ", watermark=" + watermark + "]";
    }

    static String mask(String email) {
        int at = email.lastIndexOf('@');
        return at < 0 ? "***" : "***" + email.substring(at);
    }
}
