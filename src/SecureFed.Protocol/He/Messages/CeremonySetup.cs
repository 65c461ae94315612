namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// The public description of one key ceremony, the same for the appliance and every
/// custodian. The custodians' enrolled Ed25519 keys come separately, from the directory.
/// </summary>
/// <param name="CeremonyId">32 random bytes naming the ceremony; salts every derived key.</param>
/// <param name="ParameterId">The 16-byte id of the CKKS parameters the key is made for.</param>
/// <param name="CustodianIds">The custodians, distinct ids from 1 to 65535.</param>
/// <param name="Threshold">t: how many custodians suffice to decrypt.</param>
/// <param name="CommonSeed">The public 32-byte seed of the common random polynomial a.</param>
public sealed record CeremonySetup(
    byte[] CeremonyId,
    byte[] ParameterId,
    IReadOnlyList<uint> CustodianIds,
    int Threshold,
    byte[] CommonSeed);
