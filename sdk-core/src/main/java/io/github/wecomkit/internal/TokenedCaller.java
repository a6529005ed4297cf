package io.github.wecomkit.internal;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.error.ClientBusyException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.internal.ApiCaller.Resend;
import io.github.wecomkit.token.AccessToken;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Calls WeCom APIs that take a managed token ({@code access_token}, {@code suite_access_token}, ...): puts the
 * token in hand into the query, and when WeCom rejects it (40014/42001 for a corp token, 42009/40082 for a suite
 * token) hands the rejected token to the {@link TokenManager} and makes the call once more with the token it
 * returns. A call whose replacement token is rejected too fails with
 * {@link io.github.wecomkit.error.TokenRejectedException}: a configuration failure, not a stale token. Every area
 * of the SDK that calls WeCom with a token goes through one.
 *
 * <p><b>Async twins.</b> {@link #getAsync} and {@link #postAsync} make the same call with the same rules (one
 * retry after a rejection, the caller's {@link Resend} rule, the same typed exceptions) without blocking the
 * calling thread: the token comes from {@link TokenManager#tokenAsync()} (a cold start completes the call when the
 * token arrives), the HTTP part runs on the caller's {@linkplain ApiCaller#asyncExecutor() async executor}, and
 * {@code result} maps the reply there. The returned future fails with the typed exception itself, never wrapped
 * in a {@link CompletionException}. Cancelling it never interrupts a request in progress; no attempt (a retry,
 * the repeat after a rejected token) starts after it. An area adds an async operation as one line beside its
 * blocking one:
 *
 * <pre>{@code
 * SendResult send(MiniProgramNotice n)                       // blocking
 *     { return new SendResult(api.post(SEND, resend(n), READER, n.toJson(), NO_SECRETS)); }
 * CompletableFuture<SendResult> sendAsync(MiniProgramNotice n) // async: same api, rule, reader; the mapping last
 *     { return api.postAsync(SEND, resend(n), READER, n.toJson(), NO_SECRETS, SendResult::new); }
 * }</pre>
 */
public final class TokenedCaller {
    private final ApiCaller caller;
    private final TokenManager tokens;
    private final String tokenParam;
    private final IntPredicate rejection;

    /**
     * @param caller     sends the calls
     * @param tokens     the token lifecycle
     * @param tokenParam the query parameter the token goes in, e.g. {@code access_token}
     * @param rejection  the errcodes that mean "this token is no longer valid"
     */
    public TokenedCaller(ApiCaller caller, TokenManager tokens, String tokenParam, IntPredicate rejection) {
        this.caller = caller;
        this.tokens = tokens;
        this.tokenParam = tokenParam;
        this.rejection = rejection;
    }

    /** @return the caller that sends the calls (for calls that take no token) */
    public ApiCaller caller() {
        return caller;
    }

    /** @return the token lifecycle behind this caller */
    public TokenManager tokens() {
        return tokens;
    }

    /** GETs {@code api} with the token and {@code params} (name, value, ...). */
    public <T extends ApiReply> T get(String api, Resend resend, ObjectReader reader, String... params) {
        AccessToken token = tokens.token();
        try {
            return caller.get(api, resend, reader, withToken(token, params));
        } catch (WeComApiException e) {
            if (!rejection.test(e.errcode())) {
                throw e;
            }
            // The request carried a token WeCom no longer accepts; a rejected call was not processed.
            AccessToken next = tokens.tokenAfterRejection(token, e);
            try {
                return caller.get(api, resend, reader, withToken(next, params));
            } catch (WeComApiException again) {
                throw rejection.test(again.errcode()) ? tokens.rejectedAgain(next, again) : again;
            }
        }
    }

    /** POSTs the JSON {@code body} to {@code api} with the token and {@code params}. */
    public <T extends ApiReply> T post(String api, Resend resend, ObjectReader reader, byte[] body,
                                       String[] bodySecrets, String... params) {
        AccessToken token = tokens.token();
        try {
            return caller.post(api, resend, reader, body, bodySecrets, withToken(token, params));
        } catch (WeComApiException e) {
            if (!rejection.test(e.errcode())) {
                throw e;
            }
            AccessToken next = tokens.tokenAfterRejection(token, e);
            try {
                return caller.post(api, resend, reader, body, bodySecrets, withToken(next, params));
            } catch (WeComApiException again) {
                throw rejection.test(again.errcode()) ? tokens.rejectedAgain(next, again) : again;
            }
        }
    }

    /**
     * The async twin of {@link #get}: GETs {@code api} on the async executor and maps the reply with
     * {@code result} there.
     *
     * @return a future that completes with the mapped reply, or fails with the typed exception the blocking call
     *     would throw ({@link ClientBusyException} if the executor refuses the call)
     */
    public <T extends ApiReply, R> CompletableFuture<R> getAsync(String api, Resend resend, ObjectReader reader,
                                                              Function<? super T, ? extends R> result,
                                                              String... params) {
        return new AsyncCall<T, R>((token, cancelled) -> caller.get(api, resend, reader, cancelled,
                withToken(token, params)), result).start();
    }

    /** The async twin of {@link #post}; see {@link #getAsync}. */
    public <T extends ApiReply, R> CompletableFuture<R> postAsync(String api, Resend resend, ObjectReader reader,
                                                               byte[] body, String[] bodySecrets,
                                                               Function<? super T, ? extends R> result,
                                                               String... params) {
        return new AsyncCall<T, R>((token, cancelled) -> caller.post(api, resend, reader, body, bodySecrets,
                cancelled, withToken(token, params)), result).start();
    }

    /** One attempt of a call with a given token; stops before sending once the call is cancelled. */
    @FunctionalInterface
    private interface Attempt<T> {
        T send(AccessToken token, BooleanSupplier cancelled);
    }

    /**
     * One async call: token, first attempt, and after a rejection the replacement token and one more attempt.
     * Each step that talks to WeCom runs on the async executor; steps that only wait are callbacks, so no thread
     * waits for a token. The future is completed directly (never through a dependent stage), so its failure is
     * the typed exception itself.
     */
    private final class AsyncCall<T extends ApiReply, R> {
        private final CompletableFuture<R> future = new CompletableFuture<>();
        /** Done means cancelled (or completed): nothing more is sent. */
        private final BooleanSupplier cancelled = future::isDone;
        private final Attempt<T> attempt;
        private final Function<? super T, ? extends R> result;
        private final Executor executor = caller.asyncExecutor();

        AsyncCall(Attempt<T> attempt, Function<? super T, ? extends R> result) {
            this.attempt = attempt;
            this.result = result;
        }

        CompletableFuture<R> start() {
            // Completed at once when the token is in hand (then this runs on the calling thread and only submits).
            tokens.tokenAsync().whenComplete((token, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else {
                    submit(() -> first(token));
                }
            });
            return future;
        }

        private void first(AccessToken token) {
            T reply;
            try {
                reply = attempt.send(token, cancelled);
            } catch (WeComApiException e) {
                if (!rejection.test(e.errcode()) || future.isDone()) {
                    fail(e);
                    return;
                }
                // A rejected call was not processed: get the replacement without holding a thread, then once more.
                tokens.tokenAfterRejectionAsync(token, e).whenComplete((next, failure) -> {
                    if (failure != null) {
                        fail(failure);
                    } else {
                        submit(() -> second(next));
                    }
                });
                return;
            } catch (RuntimeException | Error e) {
                fail(e);
                return;
            }
            succeed(reply);
        }

        private void second(AccessToken next) {
            T reply;
            try {
                reply = attempt.send(next, cancelled);
            } catch (WeComApiException again) {
                fail(rejection.test(again.errcode()) ? tokens.rejectedAgain(next, again) : again);
                return;
            } catch (RuntimeException | Error e) {
                fail(e);
                return;
            }
            succeed(reply);
        }

        private void succeed(T reply) {
            R value;
            try {
                value = result.apply(reply);
            } catch (RuntimeException | Error e) {
                fail(e);
                return;
            }
            future.complete(value);
        }

        private void fail(Throwable failure) {
            Throwable cause = failure;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            future.completeExceptionally(cause);
        }

        private void submit(Runnable step) {
            if (future.isDone()) {
                return; // cancelled while waiting for the token: never sent
            }
            try {
                executor.execute(step);
            } catch (RejectedExecutionException e) {
                // The executor's own message is left out: it may describe the task, and the task holds the code.
                future.completeExceptionally(new ClientBusyException("the async executor refused the call (its"
                        + " queue is full, or it was shut down); nothing was sent to WeCom", null));
            }
        }
    }

    private String[] withToken(AccessToken token, String... params) {
        String[] all = Arrays.copyOf(new String[] {tokenParam, token.value()}, params.length + 2);
        System.arraycopy(params, 0, all, 2, params.length);
        return all;
    }
}
