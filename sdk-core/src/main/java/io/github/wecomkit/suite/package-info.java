/**
 * The WeCom service-provider (服务商) flow: a {@link io.github.wecomkit.suite.SuiteClient} per suite keeps the suite
 * token fresh from the pushed {@code suite_ticket}, turns installations into stored permanent codes, logs members in
 * through the provider's {@code jscode2session}, and serves each authorised corp through a
 * {@link io.github.wecomkit.WeComClient} on one shared connection pool and token store; 代开发 templates included.
 * {@link io.github.wecomkit.suite.SuiteCallbackHandler} routes the suite's callbacks.
 *
 * <pre>{@code
 * SuiteClient suite = SuiteClient.builder().suiteId(suiteId).suiteSecret(secret)
 *         .permanentCodeStore(codes).build();
 * SuiteSession session = suite.login(code);
 * Member member = suite.corp(session.corpId()).getUser(session.userId());
 * }</pre>
 */
package io.github.wecomkit.suite;
