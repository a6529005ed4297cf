package io.github.wecomkit.error;

/**
 * WeCom (or something in between) answered with a body that is not WeCom's JSON: HTML, a truncated body,
 * or fields of the wrong type. The message names the API and what was wrong, never the body itself.
 *
 * <pre>{@code
 * catch (WeComDecodeException e) {
 *     log.error("unexpected answer from WeCom", e);
 * }
 * }</pre>
 */
public class WeComDecodeException extends WeComException {
    private static final long serialVersionUID = 1L;

    private final String api;

    /**
     * @param message what was wrong with the body
     * @param api     the API path
     * @param cause   the parser's exception, or {@code null}
     */
    public WeComDecodeException(String message, String api, Throwable cause) {
        super(message + ": api=" + api, cause, false);
        this.api = api;
    }

    /** @return the API path whose answer could not be read */
    public String api() {
        return api;
    }
}
