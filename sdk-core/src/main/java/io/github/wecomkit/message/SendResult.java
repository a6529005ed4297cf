package io.github.wecomkit.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What WeCom answered to a message it accepted: the message id (to recall it later with {@code message/recall})
 * and the recipients it could not reach. A message with some invalid recipients is still sent to the valid ones;
 * one with no valid recipient fails with {@link io.github.wecomkit.error.NoValidRecipientException} instead.
 *
 * <pre>{@code
 * SendResult result = client.messages().send(notice);
 * if (result.hasInvalidRecipients()) {
 *     log.info("not delivered to {} {} {}", result.invalidUsers(), result.invalidParties(), result.invalidTags());
 * }
 * }</pre>
 *
 * <p>WeCom compares user ids case-insensitively and returns them <b>lowercased</b>: {@code ZhangSan} comes back
 * as {@code zhangsan} in {@link #invalidUsers()} and {@link #unlicensedUsers()}.
 */
public final class SendResult {
    private final String msgId;
    private final List<String> invalidUsers;
    private final List<String> invalidParties;
    private final List<String> invalidTags;
    private final List<String> unlicensedUsers;

    SendResult(SendReply reply) {
        this.msgId = reply.msgid == null || reply.msgid.isEmpty() ? null : reply.msgid;
        this.invalidUsers = split(reply.invaliduser);
        this.invalidParties = split(reply.invalidparty);
        this.invalidTags = split(reply.invalidtag);
        this.unlicensedUsers = split(reply.unlicenseduser);
    }

    /** WeCom lists ids joined with '|'; an empty or absent list is no id at all. */
    static List<String> split(String joined) {
        if (joined == null || joined.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (String id : joined.split("\\|")) {
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return Collections.unmodifiableList(ids);
    }

    /** @return the message id, for {@code message/recall}; WeCom sends one for every accepted message */
    public Optional<String> msgId() {
        return Optional.ofNullable(msgId);
    }

    /** @return user ids that are unknown or outside the app's visible range, lowercased by WeCom; unmodifiable */
    public List<String> invalidUsers() {
        return invalidUsers;
    }

    /** @return department ids that are unknown or outside the app's visible range; unmodifiable */
    public List<String> invalidParties() {
        return invalidParties;
    }

    /** @return tag ids that are unknown or outside the app's visible range; unmodifiable */
    public List<String> invalidTags() {
        return invalidTags;
    }

    /** @return user ids without the account license the app needs (lowercased by WeCom); unmodifiable */
    public List<String> unlicensedUsers() {
        return unlicensedUsers;
    }

    /** @return whether any user, department or tag was invalid (unlicensed users not counted) */
    public boolean hasInvalidRecipients() {
        return !invalidUsers.isEmpty() || !invalidParties.isEmpty() || !invalidTags.isEmpty();
    }

    @Override
    public String toString() {
        return "SendResult{msgId=" + msgId + ", invalidUsers=" + invalidUsers + ", invalidParties=" + invalidParties
                + ", invalidTags=" + invalidTags + ", unlicensedUsers=" + unlicensedUsers + "}";
    }
}
