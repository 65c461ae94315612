namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Server to every client that advertised: all advertisements received, ascending by id.
/// Each client hashes all of them into the session id and checks its neighbours' signatures.
/// </summary>
/// <param name="Round">Round number.</param>
/// <param name="Keys">The advertisements of the clients that took part in stage 1.</param>
public sealed record AdvertisedKeys(ulong Round, IReadOnlyList<AdvertiseKeys> Keys);
