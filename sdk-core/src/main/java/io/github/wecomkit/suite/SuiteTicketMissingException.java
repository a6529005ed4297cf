package io.github.wecomkit.suite;

import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComException;
import java.time.Instant;

/**
 * The suite token cannot be fetched because there is no valid {@code suite_ticket}: none has been pushed to the
 * suite's command URL yet (WeCom pushes one every 10 minutes, each valid for 30), or WeCom refused the newest one
 * (40085). Retryable: the next push fixes it.
 *
 * <pre>{@code
 * try {
 *     suite.installUrl(redirectUri, state, AuthType.FORMAL);
 * } catch (SuiteTicketMissingException e) {
 *     // check that the command URL receives WeCom's pushes, or re-push the ticket from the provider console
 * }
 * }</pre>
 */
public final class SuiteTicketMissingException extends WeComException {
    private static final long serialVersionUID = 1L;

    private final String suiteId;

    private SuiteTicketMissingException(String suiteId, String message, Throwable cause) {
        super(message, cause, true);
        this.suiteId = suiteId;
    }

    static SuiteTicketMissingException none(String suiteId) {
        return new SuiteTicketMissingException(suiteId, "no valid suite_ticket for suite " + suiteId
                + " yet: WeCom pushes one to the suite's command URL (指令回调URL) every 10 minutes, valid for 30;"
                + " check that the command URL answers WeCom and hands each ticket to SuiteClient.saveTicket"
                + " (SuiteCallbackHandler does), that every instance shares the SuiteTicketStore, or re-push the"
                + " ticket from the provider console", null);
    }

    static SuiteTicketMissingException refused(String suiteId, Instant pushedAt, WeComApiException cause) {
        return new SuiteTicketMissingException(suiteId, "WeCom refused the newest suite_ticket of suite " + suiteId
                + " (pushed " + pushedAt + ", errcode=" + cause.errcode() + "): wait for the next push, or re-push"
                + " the ticket from the provider console", cause);
    }

    /** @return the suite whose ticket is missing */
    public String suiteId() {
        return suiteId;
    }
}
