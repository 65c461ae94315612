namespace SecureFed.Protocol.Audit;

/// <summary>
/// One thing an offline audit of a ledger found wrong: which check failed, where, and why.
/// </summary>
/// <param name="Check">The check that failed, one word: <c>chain</c>, <c>signature</c>,
/// <c>certificate</c>, <c>enrollment</c>, <c>contribution</c>, <c>round</c>,
/// <c>aggregate</c>, <c>decryption</c>, <c>budget</c> or <c>receipt</c>.</param>
/// <param name="Entry">The ledger entry's index, or null when no one entry is to blame.</param>
/// <param name="Round">The round concerned, or null.</param>
/// <param name="Reason">What is wrong, in a sentence an auditor can act on.</param>
public sealed record AuditFinding(string Check, long? Entry, ulong? Round, string Reason);
