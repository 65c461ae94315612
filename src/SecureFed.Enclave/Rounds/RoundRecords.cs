using System.Globalization;
using Microsoft.Data.Sqlite;
using SecureFed.Enclave.Storage;

namespace SecureFed.Enclave.Rounds;

/// <summary>The rounds and contributions tables.</summary>
internal static class RoundRecords
{
    public const string Open = "open";
    public const string Completed = "completed";
    public const string Aborted = "aborted";

    public static ulong LastRound(EnclaveDatabase database) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(round), 0) FROM rounds;";
        return checked((ulong)Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    });

    /// <summary>The state of <paramref name="round"/>, or null when there is no such round.</summary>
    public static string? StateOf(EnclaveDatabase database, ulong round) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM rounds WHERE round = $round;";
        command.Parameters.AddWithValue("$round", checked((long)round));
        return command.ExecuteScalar() as string;
    });

    public static void Insert(SqliteTransaction transaction, RoundSettings settings, double epsilonAfter)
    {
        using var command = EnclaveDatabase.Command(
            transaction,
            "INSERT INTO rounds (round, mode, state, settings, opened_ms, epsilon_after) " +
            "VALUES ($round, $mode, $state, $settings, $now, $epsilon);");
        command.Parameters.AddWithValue("$round", checked((long)settings.Round));
        command.Parameters.AddWithValue("$mode", settings.Mode.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("$state", Open);
        command.Parameters.AddWithValue("$settings", EnclaveJson.Bytes(settings));
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$epsilon", epsilonAfter);
        command.ExecuteNonQuery();
    }

    public static void InsertContribution(
        SqliteTransaction transaction, SignedContribution contribution, string spoolFile, ulong ledgerIndex)
    {
        using var command = EnclaveDatabase.Command(
            transaction,
            "INSERT INTO contributions (round, client_id, statement, spool_file, ledger_index) " +
            "VALUES ($round, $client, $statement, $file, $ledger);");
        command.Parameters.AddWithValue("$round", checked((long)contribution.Statement.Round));
        command.Parameters.AddWithValue("$client", (long)contribution.Statement.ClientId);
        command.Parameters.AddWithValue("$statement", contribution.Statement.Encode());
        command.Parameters.AddWithValue("$file", spoolFile);
        command.Parameters.AddWithValue("$ledger", checked((long)ledgerIndex));
        command.ExecuteNonQuery();
    }

    public static void Close(
        SqliteTransaction transaction, ulong round, bool completed, string? aggregateFile, byte[] hash,
        double epsilon, int contributors)
    {
        using var command = EnclaveDatabase.Command(
            transaction,
            "UPDATE rounds SET state = $state, closed_ms = $now, epsilon_after = $epsilon, " +
            "outcome = $outcome WHERE round = $round;");
        command.Parameters.AddWithValue("$state", completed ? Completed : Aborted);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$epsilon", epsilon);
        command.Parameters.AddWithValue(
            "$outcome", EnclaveJson.Bytes(new StoredOutcome(aggregateFile, Convert.ToHexString(hash), contributors)));
        command.Parameters.AddWithValue("$round", checked((long)round));
        command.ExecuteNonQuery();
    }

    /// <summary>The settings of every completed round, oldest first, for the budget.</summary>
    public static List<ChargedRound> CompletedRounds(EnclaveDatabase database) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT settings, outcome FROM rounds WHERE state = '{Completed}' ORDER BY round;";
        using var reader = command.ExecuteReader();
        var rounds = new List<ChargedRound>();
        while (reader.Read())
        {
            var settings = EnclaveJson.Read<RoundSettings>((byte[])reader[0]);
            var outcome = EnclaveJson.Read<StoredOutcome>((byte[])reader[1]);
            rounds.Add(new ChargedRound(settings, outcome.Contributors));
        }

        return rounds;
    });

    /// <summary>Rounds left open by a stop or a crash.</summary>
    public static List<ulong> Unfinished(EnclaveDatabase database) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT round FROM rounds WHERE state = '{Open}' ORDER BY round;";
        using var reader = command.ExecuteReader();
        var rounds = new List<ulong>();
        while (reader.Read())
        {
            rounds.Add(checked((ulong)reader.GetInt64(0)));
        }

        return rounds;
    });

    /// <summary>Counts rounds in <paramref name="state"/>.</summary>
    public static long Count(EnclaveDatabase database, string state) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM rounds WHERE state = $state;";
        command.Parameters.AddWithValue("$state", state);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    private sealed record StoredOutcome(string? AggregateFile, string AggregateSha256, int Contributors);
}
