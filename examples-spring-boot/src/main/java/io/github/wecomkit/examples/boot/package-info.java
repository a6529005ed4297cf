/**
 * A Spring Boot login backend for a WeCom mini-program on the wecomkit starter.
 */
package io.github.wecomkit.examples.boot;
