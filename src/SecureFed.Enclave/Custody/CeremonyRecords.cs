using Microsoft.Data.Sqlite;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Enclave.Custody;

/// <summary>
/// The ceremonies table: completed collective keys, with the setup and every custodian's
/// signed confirmation, which clients need to check the key themselves.
/// </summary>
internal static class CeremonyRecords
{
    public static void InsertCompleted(
        SqliteTransaction transaction,
        CeremonySetup setup,
        byte[] publicKey,
        byte[] hash,
        IReadOnlyList<CustodianKeyConfirmation> confirmations)
    {
        using var command = EnclaveDatabase.Command(
            transaction,
            "INSERT INTO ceremonies (ceremony_id, state, setup, collective_key, collective_key_hash, " +
            "confirmations, opened_ms) VALUES ($id, 'completed', $setup, $key, $hash, $confirmations, $now);");
        command.Parameters.AddWithValue("$id", setup.CeremonyId);
        command.Parameters.AddWithValue("$setup", EnclaveJson.Bytes(setup));
        command.Parameters.AddWithValue("$key", publicKey);
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$confirmations", EnclaveJson.Bytes(confirmations));
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    /// <summary>The most recent completed ceremony, or null.</summary>
    public static CompletedCeremony? LoadCompleted(EnclaveDatabase database) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT setup, collective_key, collective_key_hash, confirmations FROM ceremonies " +
            "WHERE state = 'completed' ORDER BY opened_ms DESC LIMIT 1;";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var setup = EnclaveJson.Read<CeremonySetup>((byte[])reader[0]);
        CustodianKeyConfirmation[] confirmations = reader.IsDBNull(3)
            ? []
            : EnclaveJson.Read<CustodianKeyConfirmation[]>((byte[])reader[3]);
        return new CompletedCeremony(
            setup.CeremonyId, (byte[])reader[1], (byte[])reader[2], setup.CustodianIds, setup.Threshold,
            setup, confirmations);
    });
}
