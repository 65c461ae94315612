using System.Security.Cryptography;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Enclave.Tests.Storage;

/// <summary>
/// The completed ceremony keeps every custodian's signed confirmation across restarts (schema
/// version 2), and a version 1 database upgrades in place (threat model S7).
/// </summary>
public sealed class CeremonyRecordsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("securefed-ceremony-").FullName;

    [Fact]
    public void LoadCompleted_AfterReopen_KeepsSetupAndConfirmations()
    {
        var setup = Setup();
        CustodianKeyConfirmation[] confirmations =
            [new(1, RandomNumberGenerator.GetBytes(64)), new(2, RandomNumberGenerator.GetBytes(64))];
        using (var database = EnclaveDatabase.Open(_directory, create: true))
        {
            database.InTransaction(transaction =>
            {
                CeremonyRecords.InsertCompleted(transaction, setup, [1, 2, 3], new byte[32], confirmations);
                return 0;
            });
        }

        using var reopened = EnclaveDatabase.Open(_directory, create: false);
        var loaded = CeremonyRecords.LoadCompleted(reopened);

        Assert.NotNull(loaded);
        Assert.Equal(setup.CommonSeed, loaded.Setup.CommonSeed);
        Assert.Equal(setup.ParameterId, loaded.Setup.ParameterId);
        Assert.Equal(setup.CustodianIds, loaded.Setup.CustodianIds);
        Assert.Equal(confirmations.Select(c => c.CustodianId), loaded.Confirmations.Select(c => c.CustodianId));
        Assert.Equal(confirmations.Select(c => c.Signature), loaded.Confirmations.Select(c => c.Signature));
    }

    [Fact]
    public void Open_Version1Database_UpgradesAndLoadsCeremonyWithoutConfirmations()
    {
        var setup = Setup();
        using (var database = EnclaveDatabase.Open(_directory, create: true))
        {
            // Turn the new database back into version 1's shape with a version 1 ceremony.
            database.InTransaction(transaction =>
            {
                CeremonyRecords.InsertCompleted(transaction, setup, [1, 2, 3], new byte[32], []);
                foreach (string sql in new[]
                {
                    "UPDATE ceremonies SET confirmations = NULL;",
                    "ALTER TABLE ceremonies DROP COLUMN confirmations;",
                    "PRAGMA user_version = 1;",
                })
                {
                    using var command = EnclaveDatabase.Command(transaction, sql);
                    command.ExecuteNonQuery();
                }

                return 0;
            });
        }

        using var upgraded = EnclaveDatabase.Open(_directory, create: false);
        long version = upgraded.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });
        var loaded = CeremonyRecords.LoadCompleted(upgraded);

        Assert.Equal(EnclaveDatabase.SchemaVersion, version);
        Assert.NotNull(loaded);
        Assert.Empty(loaded.Confirmations);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static CeremonySetup Setup() => new(
        RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16), [1u, 2u, 3u], 2,
        RandomNumberGenerator.GetBytes(32));
}
