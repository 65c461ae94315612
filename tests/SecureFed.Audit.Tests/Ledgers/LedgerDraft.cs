namespace SecureFed.Audit.Tests.Ledgers;

/// <summary>An entry's contents before it is chained and signed.</summary>
public sealed record LedgerDraft(string Kind, byte[] Payload, long TimestampUnixMs);
