package io.github.wecomkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.error.SystemBusyException;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComInterruptedException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.internal.HttpTransport.TransportFailure;
import io.github.wecomkit.observe.ApiCallEvent.Outcome;
import io.github.wecomkit.observe.RetryEvent.Reason;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one WeCom API call and turns the answer into a result or a typed exception. All retries live here:
 * errcode -1 on every endpoint, and transport failures where resending is safe (see {@link Resend}).
 * Log lines carry the method, the path, the status, the errcode and the latency; never a query string or a body.
 */
public final class ApiCaller {
    private static final Logger LOG = LoggerFactory.getLogger(ApiCaller.class);

    /** Query parameters whose values are credentials: scrubbed from anything WeCom echoes back. */
    private static final String[] SENSITIVE = {"access_token", "corpsecret", "js_code", "suite_access_token",
        "provider_access_token", "code", "auth_code"};
    private static final String[] NONE = {};
    private static final BooleanSupplier NEVER_CANCELLED = () -> false;

    /** When a transport failure may be retried. */
    public enum Resend {
        /** Repeating the call has no effect beyond the first: retry resets, timeouts and 5xx. */
        IDEMPOTENT,
        /**
         * A single-use input (a login code) or a side effect (a message): retry only when the request cannot have
         * reached WeCom.
         */
        ONLY_IF_NOT_SENT
    }

    /** Waits between attempts; tests record the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        /** The default: {@link Thread#sleep(long)}. */
        Sleeper THREAD_SLEEP = duration -> Thread.sleep(duration.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    private final HttpTransport transport;
    private final String apiBase;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;
    private final Events events;
    private final String owner;
    private final Executor asyncExecutor;

    /**
     * @param transport      sends the requests
     * @param baseUrl        WeCom's origin
     * @param requestTimeout the deadline of one attempt once connected
     * @param retryPolicy    when to retry
     * @param sleeper        waits between attempts
     * @param events         where attempt and retry events go
     * @param owner          the corp or suite id the calls are made for (in events)
     * @param asyncExecutor  where the HTTP part of async calls runs ({@link TokenedCaller#getAsync})
     */
    public ApiCaller(HttpTransport transport, String baseUrl, Duration requestTimeout, RetryPolicy retryPolicy,
                     Sleeper sleeper, Events events, String owner, Executor asyncExecutor) {
        this.transport = transport;
        this.apiBase = baseUrl + "/cgi-bin/";
        this.requestTimeout = requestTimeout;
        this.retryPolicy = retryPolicy;
        this.sleeper = sleeper;
        this.events = events;
        this.owner = owner;
        this.asyncExecutor = asyncExecutor;
    }

    /** @return a caller on the same transport and settings for calls made for another corp or suite */
    public ApiCaller forOwner(String owner) {
        return new ApiCaller(transport, apiBase.substring(0, apiBase.length() - "/cgi-bin/".length()),
                requestTimeout, retryPolicy, sleeper, events, owner, asyncExecutor);
    }

    /** @return where the HTTP part of async calls through this caller runs */
    public Executor asyncExecutor() {
        return asyncExecutor;
    }

    /** @return the retry policy every call through this caller follows */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * GETs {@code api} with the query {@code params} (name, value, name, value, ...; values URL-encoded here).
     */
    public <T extends ApiReply> T get(String api, Resend resend, ObjectReader reader, String... params) {
        return send("GET", api, resend, reader, null, NONE, NEVER_CANCELLED, params);
    }

    /**
     * {@link #get(String, Resend, ObjectReader, String...)} for a call that can be cancelled: no attempt starts
     * once {@code cancelled} answers {@code true} (an attempt in progress is never interrupted).
     *
     * @throws CancellationException if the call was cancelled before an attempt
     */
    public <T extends ApiReply> T get(String api, Resend resend, ObjectReader reader, BooleanSupplier cancelled,
                                      String... params) {
        return send("GET", api, resend, reader, null, NONE, cancelled, params);
    }

    /**
     * POSTs the JSON {@code body} to {@code api} with the query {@code params}. {@code bodySecrets} are values in
     * the body (a suite secret, a permanent code) that must never reach a message if WeCom echoes them.
     */
    public <T extends ApiReply> T post(String api, Resend resend, ObjectReader reader, byte[] body,
                                       String[] bodySecrets, String... params) {
        return send("POST", api, resend, reader, body, bodySecrets, NEVER_CANCELLED, params);
    }

    /**
     * {@link #post(String, Resend, ObjectReader, byte[], String[], String...)} for a call that can be cancelled:
     * no attempt starts once {@code cancelled} answers {@code true}.
     *
     * @throws CancellationException if the call was cancelled before an attempt
     */
    public <T extends ApiReply> T post(String api, Resend resend, ObjectReader reader, byte[] body,
                                       String[] bodySecrets, BooleanSupplier cancelled, String... params) {
        return send("POST", api, resend, reader, body, bodySecrets, cancelled, params);
    }

    private <T extends ApiReply> T send(String method, String api, Resend resend, ObjectReader reader, byte[] body,
                                        String[] bodySecrets, BooleanSupplier cancelled, String... params) {
        String url = url(api, params);
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            if (cancelled.getAsBoolean()) {
                // A cancelled call is never retried: the attempt before this one may have reached WeCom.
                throw new CancellationException(attempt == 1 ? "cancelled before it was sent"
                        : "cancelled; not retried after attempt " + (attempt - 1));
            }
            long sent = System.nanoTime();
            HttpTransport.Response response;
            try {
                response = transport.send(method, url, body, requestTimeout, resend == Resend.IDEMPOTENT, cancelled);
            } catch (TransportFailure failure) {
                events.apiCall(api, owner, attempt, Outcome.TRANSPORT_ERROR, 0, 0, System.nanoTime() - sent);
                boolean mayRetry = failure.retryable()
                        && (resend == Resend.IDEMPOTENT || !failure.requestMayHaveBeenSent());
                if (mayRetry && waitBeforeRetry(api, attempt, start, Reason.TRANSPORT, cancelled)) {
                    LOG.debug("{} /cgi-bin/{} failed, retrying: {}, attempt={}", method, api, failure.getMessage(),
                            attempt);
                    continue;
                }
                // names the host and port (and proxy) tried, the attempts and the likely fix
                WeComTransportException e = failure.toException(api, attempt);
                logFailure("{} /cgi-bin/{} failed: {}, attempts={}", method, api, failure.getMessage(), attempt);
                throw e;
            }
            int status = response.status();
            if (status < 200 || status >= 300) {
                events.apiCall(api, owner, attempt, Outcome.HTTP_ERROR, 0, status, System.nanoTime() - sent);
                if (status >= 500 && resend == Resend.IDEMPOTENT && waitBeforeRetry(api, attempt, start,
                        Reason.HTTP_5XX, cancelled)) {
                    LOG.debug("{} /cgi-bin/{} -> status={}, retrying, attempt={}", method, api, status, attempt);
                    continue;
                }
                logFailure("{} /cgi-bin/{} -> status={}, attempts={}", method, api, status, attempt);
                throw new WeComTransportException("WeCom answered with an HTTP error", api, status, true, null);
            }
            T result;
            try {
                result = decode(api, reader, response.body());
            } catch (WeComDecodeException e) {
                events.apiCall(api, owner, attempt, Outcome.DECODE_ERROR, 0, status, System.nanoTime() - sent);
                throw e;
            }
            int errcode = result.errcode;
            long nanos = System.nanoTime() - sent;
            events.apiCall(api, owner, attempt, errcode == 0 ? Outcome.SUCCESS : Outcome.API_ERROR, errcode, status,
                    nanos);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} /cgi-bin/{} -> status={}, errcode={}, attempt={}, latency={}ms", method, api, status,
                        errcode, attempt, nanos / 1_000_000);
            }
            if (errcode == 0) {
                return result;
            }
            // -1 means "busy, not processed": safe to repeat even for a POST with side effects.
            if (errcode == WeComErrorCode.SYSTEM_BUSY.code() && waitBeforeRetry(api, attempt, start,
                    Reason.SYSTEM_BUSY, cancelled)) {
                continue;
            }
            String errmsg = scrubValues(scrub(result.errmsg, params), bodySecrets);
            WeComException e = WeComErrorCode.toException(errcode, errmsg, api);
            if (e instanceof SystemBusyException) {
                logFailure("{} /cgi-bin/{} -> errcode={} after {} attempts", method, api, errcode, attempt);
            }
            throw e;
        }
    }

    /**
     * A final failure is a WARN, except for token fetches: the token lifecycle reports those itself, once per
     * failure streak, with what it means for the token in hand.
     */
    private static void logFailure(String format, String method, String api, Object what, int attempts) {
        if (api.equals("gettoken") || api.startsWith("service/get_") && api.endsWith("_token")) {
            LOG.debug(format, method, api, what, attempts);
        } else {
            LOG.warn(format, method, api, what, attempts);
        }
    }

    /** @return whether another attempt may start; waits the backoff first */
    private boolean waitBeforeRetry(String api, int attempt, long startNanos, Reason reason,
                                    BooleanSupplier cancelled) {
        if (attempt > retryPolicy.maxRetries()) {
            return false;
        }
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled; not retried after attempt " + attempt);
        }
        Duration wait = retryPolicy.backoff(attempt, ThreadLocalRandom.current().nextDouble());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        if (elapsed.plus(wait).compareTo(retryPolicy.maxElapsed()) > 0) {
            return false;
        }
        events.retry(api, owner, attempt, reason, wait);
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeComInterruptedException(e);
        }
        return true;
    }

    private static <T extends ApiReply> T decode(String api, ObjectReader reader, byte[] body) {
        if (body.length == 0) {
            throw new WeComDecodeException("WeCom answered with an empty body", api, null);
        }
        T result;
        try {
            result = reader.readValue(body);
        } catch (JsonProcessingException e) {
            // The parser's message quotes the body; keep only what kind of problem it was.
            throw new WeComDecodeException("WeCom answered with a body that is not its JSON ("
                    + e.getClass().getSimpleName() + ")", api, null);
        } catch (IOException e) {
            throw new WeComDecodeException("could not read WeCom's answer (" + e.getClass().getSimpleName() + ")",
                    api, null);
        }
        if (result == null) {
            throw new WeComDecodeException("WeCom answered with JSON null", api, null);
        }
        return result;
    }

    private String url(String api, String... params) {
        StringBuilder url = new StringBuilder(apiBase.length() + api.length() + 256).append(apiBase).append(api);
        for (int i = 0; i < params.length; i += 2) {
            url.append(i == 0 ? '?' : '&').append(params[i]).append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        return url.toString();
    }

    /** WeCom's messages do not echo credentials today; this keeps it so if one ever does. */
    static String scrub(String errmsg, String... params) {
        if (errmsg == null) {
            return "";
        }
        String clean = errmsg;
        for (int i = 0; i + 1 < params.length; i += 2) {
            for (String name : SENSITIVE) {
                if (name.equals(params[i]) && !params[i + 1].isEmpty()) {
                    clean = clean.replace(params[i + 1], "<redacted>");
                }
            }
        }
        return clean;
    }

    private static String scrubValues(String errmsg, String[] secrets) {
        String clean = errmsg;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                clean = clean.replace(secret, "<redacted>");
            }
        }
        return clean;
    }
}
