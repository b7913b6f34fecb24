/**
 * Types that must be public for technical reasons (Jetty reaches WebSocket endpoints reflectively
 * and requires public classes) but are not part of clawgate's API.
 */
@NullMarked
package dev.clawgate.gateway.internal;

import org.jspecify.annotations.NullMarked;
