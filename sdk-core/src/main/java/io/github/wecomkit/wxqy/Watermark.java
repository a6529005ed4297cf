package io.github.wecomkit.wxqy;

import java.time.Instant;
import java.util.Objects;

/**
 * The watermark inside every decrypted {@code wx.qy.*} payload: the mini-program the data was made for and when.
 * {@link WxQyData} has checked {@link #appId()} against the configured appid (and the age, if configured).
 *
 * <pre>{@code
 * Instant fetchedAt = wxQy.email(session, encryptedData, iv).watermark().timestamp();
 * }</pre>
 *
 * @param appId     the mini-program's appid ({@code wx...}), not a corp id
 * @param timestamp when WeCom produced the data
 */
public record Watermark(String appId, Instant timestamp) {
    /**
     * @param appId     the mini-program's appid
     * @param timestamp when the data was produced
     */
    public Watermark {
        Objects.requireNonNull(appId, "appId == null");
        Objects.requireNonNull(timestamp, "timestamp == null");
    }
}
