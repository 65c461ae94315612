using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecureFed.Enclave.Storage;

/// <summary>
/// Healthy while the database answers a query. The watchdog pings systemd only while this
/// holds, so an appliance whose store has failed is restarted instead of serving errors.
/// </summary>
internal sealed class DatabaseHealthCheck : IHealthCheck
{
    private readonly EnclaveDatabase _database;

    public DatabaseHealthCheck(EnclaveDatabase database)
    {
        _database = database;
    }

    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            long answer = _database.Read(connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM federation;";
                return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            });
            return Task.FromResult(answer > 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The federation facts are missing."));
        }
        catch (Microsoft.Data.Sqlite.SqliteException error)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The database does not answer.", error));
        }
    }
}
