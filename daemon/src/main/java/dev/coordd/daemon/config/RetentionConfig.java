package dev.coordd.daemon.config;

import java.time.Duration;

/**
 * How long finished work is kept. Validated now; takes effect when automatic retention arrives.
 *
 * @param tasks finished tasks older than this are deleted
 * @param inboxDone processed inbox files older than this are deleted
 * @param invocationArchive archived agent invocations older than this are deleted
 */
public record RetentionConfig(Duration tasks, Duration inboxDone, Duration invocationArchive) {}
