namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed custodian</c> reports when it stops.</summary>
/// <param name="StateDir">The state folder.</param>
/// <param name="ParticipantId">The custodian's id.</param>
/// <param name="Ceremony">completed (run now) or loaded (the key share was stored).</param>
/// <param name="KeyFile">The stored key state (mode 0600).</param>
/// <param name="CollectiveKeyHash">SHA-256 of the collective public key, hex.</param>
/// <param name="MinContributors">The fewest contributors this custodian decrypts for.</param>
/// <param name="Served">The decryption requests answered.</param>
/// <param name="Refused">The decryption requests refused.</param>
internal sealed record CustodianReport(
    string StateDir,
    uint ParticipantId,
    string Ceremony,
    string KeyFile,
    string CollectiveKeyHash,
    int MinContributors,
    IReadOnlyList<ServedRequest> Served,
    IReadOnlyList<RefusedRequest> Refused);

/// <summary>A decryption request a custodian answered.</summary>
/// <param name="Round">The round whose aggregate it was, when the custodian's record names it.</param>
/// <param name="At">When, ISO 8601 UTC.</param>
internal sealed record ServedRequest(ulong? Round, string At);

/// <summary>A decryption request a custodian refused.</summary>
internal sealed record RefusedRequest(string Reason, string At);
