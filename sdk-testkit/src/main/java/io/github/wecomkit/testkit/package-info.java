/**
 * FakeWeCom, an embeddable fake WeCom server for tests, and {@link io.github.wecomkit.testkit.WeComTest}, its
 * JUnit 5 extension.
 *
 * <pre>{@code
 * try (FakeWeCom wecom = FakeWeCom.start()) {
 *     wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");
 *     String code = wecom.issueCode("wwcorp", "zhangsan");
 *     // point the client under test at wecom.baseUrl()
 * }
 * }</pre>
 */
package io.github.wecomkit.testkit;
