package io.github.wecomkit.wxqy;

import java.util.Objects;

/**
 * The mobile number from a {@code wx.qy.getMobile} payload, decrypted and checked by
 * {@link WxQyData#mobile(io.github.wecomkit.LoginSession, String, String)}. {@link #toString()} shows only the
 * last four digits.
 *
 * <pre>{@code
 * MobileInfo info = client.wxQy().mobile(session, encryptedData, iv);
 * members.saveMobile(session.userId(), info.mobile());
 * }</pre>
 *
 * @param mobile    the member's mobile number, as WeCom wrote it
 * @param watermark the mini-program and time the data was made for
 */
public record MobileInfo(String mobile, Watermark watermark) {
    /**
     * @param mobile    the mobile number
     * @param watermark the watermark
     */
    public MobileInfo {
        Objects.requireNonNull(mobile, "mobile == null");
        Objects.requireNonNull(watermark, "watermark == null");
    }

    /** @return the watermark and the number with all but its last four characters masked */
    @Override
    public String toString() {
        return "MobileInfo[mobile=" + mask(mobile) + ", watermark=" + watermark + "]";
    }

    /** Enough for a person to tell two numbers apart in a log, too little to call anyone. */
    static String mask(String mobile) {
        int shown = mobile.length() >= 8 ? 4 : 0;
        return "*".repeat(mobile.length() - shown) + mobile.substring(mobile.length() - shown);
    }
}
