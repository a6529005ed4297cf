/**
 * Several corps on one mini-program: {@link io.github.wecomkit.corp.WeComCorps} holds each corp's credentials,
 * logs members of any of them in (with the relogin round trip when a code was exchanged with another corp's
 * credentials) and looks members up with their own corp, all on one connection pool and one token store.
 *
 * <pre>{@code
 * WeComCorps corps = WeComCorps.builder().corp(corpA, secretA).corp(corpB, secretB).build();
 * Member member = corps.getUser(corps.login(code));
 * }</pre>
 */
package io.github.wecomkit.corp;
