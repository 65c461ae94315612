using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SecureFed.Client.Budget;

namespace SecureFed.Client.Cli;

/// <summary>
/// <c>securefed budget</c>: creates the client's own privacy budget, or shows what is spent.
/// </summary>
internal static class BudgetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var stateDir = new Option<string>("--state-dir") { Description = "The client's state folder." };
        var init = new Option<bool>("--init") { Description = "Create the budget (once)." };
        var epsilon = new Option<string>("--epsilon") { Description = "With --init: the epsilon limit." };
        var delta = new Option<string>("--delta") { Description = "With --init: the delta of the limit." };
        var accountant = new Option<string>("--accountant")
        {
            Description = "With --init: rdp (default) or pld (the tighter of the two where PLD applies).",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };

        var command = new Command("budget", "Create or show this client's own privacy budget.")
        {
            stateDir, init, epsilon, delta, accountant, json,
        };
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            string? dir = parse.GetValue(stateDir);
            if (string.IsNullOrEmpty(dir))
            {
                return BudgetOutput.Fail(asJson, "--state-dir is required.");
            }

            if (!parse.GetValue(init))
            {
                string? stray = parse.GetValue(epsilon) is not null ? "--epsilon"
                    : parse.GetValue(delta) is not null ? "--delta"
                    : parse.GetValue(accountant) is not null ? "--accountant"
                    : null;
                return stray is not null
                    ? BudgetOutput.Fail(asJson, $"{stray} is only used with --init.")
                    : Show(dir, asJson);
            }

            return Init(dir, parse.GetValue(epsilon), parse.GetValue(delta), parse.GetValue(accountant), asJson);
        });
        return command;
    }

    private static int Init(string dir, string? epsilonText, string? deltaText, string? accountantText, bool json)
    {
        if (epsilonText is null)
        {
            return BudgetOutput.Fail(json, "--init needs --epsilon.");
        }

        if (!TryParse(epsilonText, out double epsilon) || !double.IsFinite(epsilon) || epsilon <= 0)
        {
            return BudgetOutput.Fail(json, $"--epsilon must be a positive number, not '{epsilonText}'.");
        }

        if (deltaText is null)
        {
            return BudgetOutput.Fail(json, "--init needs --delta.");
        }

        if (!TryParse(deltaText, out double delta) || !(delta > 0 && delta < 1))
        {
            return BudgetOutput.Fail(json, $"--delta must lie in (0, 1), not '{deltaText}'.");
        }

        BudgetAccountant kind;
        switch (accountantText ?? "rdp")
        {
            case "rdp":
                kind = BudgetAccountant.Rdp;
                break;
            case "pld":
                kind = BudgetAccountant.Pld;
                break;
            default:
                return BudgetOutput.Fail(json, $"--accountant must be rdp or pld, not '{accountantText}'.");
        }

        LocalBudget budget;
        try
        {
            budget = LocalBudget.Create(dir, epsilon, delta, kind);
        }
        catch (IOException e)
        {
            return BudgetOutput.Fail(json, $"--state-dir: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return BudgetOutput.Fail(json, $"--state-dir: {e.Message}");
        }

        return Print(budget, json, created: true);
    }

    private static int Show(string dir, bool json)
    {
        LocalBudget budget;
        try
        {
            budget = LocalBudget.Load(dir);
        }
        catch (FileNotFoundException)
        {
            return BudgetOutput.Fail(json, $"--state-dir {dir} holds no budget; create one with --init.");
        }
        catch (DirectoryNotFoundException)
        {
            return BudgetOutput.Fail(json, $"--state-dir {dir} does not exist.");
        }
        catch (InvalidDataException e)
        {
            return BudgetOutput.Fail(json, $"--state-dir: {e.Message}");
        }
        catch (IOException e)
        {
            return BudgetOutput.Fail(json, $"--state-dir: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return BudgetOutput.Fail(json, $"--state-dir: {e.Message}");
        }

        return Print(budget, json, created: false);
    }

    private static int Print(LocalBudget budget, bool json, bool created)
    {
        double spent = budget.EpsilonSpent();
        double remaining = Math.Max(0, budget.EpsilonLimit - spent);
        string accountant = budget.Accountant == BudgetAccountant.Pld ? "pld" : "rdp";
        if (json)
        {
            var report = new
            {
                File = budget.FilePath,
                Created = created,
                Epsilon = budget.EpsilonLimit,
                budget.Delta,
                Accountant = accountant,
                EpsilonSpent = spent,
                EpsilonRemaining = remaining,
                budget.Rounds,
            };
            Console.WriteLine(JsonSerializer.Serialize(report, BudgetOutput.JsonOptions));
            return 0;
        }

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(created ? $"created {budget.FilePath}" : $"budget {budget.FilePath}");
        Console.WriteLine(string.Create(c,
            $"  limit: epsilon {budget.EpsilonLimit:G6} at delta {budget.Delta:G3} ({accountant})"));
        Console.WriteLine(string.Create(c, $"  spent: epsilon {spent:G6}"));
        Console.WriteLine(string.Create(c, $"  remaining: epsilon {remaining:G6}"));
        Console.WriteLine(string.Create(c, $"  rounds: {budget.Rounds.Count}"));
        foreach (RoundMechanism round in budget.Rounds)
        {
            Console.WriteLine($"    {round.FederationId}/{round.RoundId} ({round.Kind})");
        }

        return 0;
    }

    private static bool TryParse(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
