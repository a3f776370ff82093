using System.CommandLine;
using System.CommandLine.Help;
using Aevb.Cli;
using Aevb.Cli.Commands;

// `aevb`: one verb per file in Commands/, each exposing `static Command Create()`.
// The root is a named Command rather than RootCommand so help says `aevb` whatever the
// executable is called (`dotnet run`, the Aevb.Cli assembly, an installed tool).
var root = new Command("aevb", "Auto-Encoding Variational Bayes (Kingma & Welling, 2014): train, evaluate, benchmark, run notebooks.")
{
    new HelpOption(),
    new VersionOption(),
};
foreach (var command in new[]
{
    DataCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    BenchCommand.Create(),
    NotebookCommand.Create(),
    ReproduceCommand.Create(),
})
{
    root.Subcommands.Add(command);
}
// Signals are ours (see Interrupt): System.CommandLine would end the process 2 s after Ctrl+C, before a checkpoint.
Interrupt.Install();
Interrupt.WatchStdin();
var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
// Exit now rather than return: a notebook cell may have started a foreground thread, which would keep the process
// (a notebook worker, and so its parent) alive forever after the verb has finished.
Environment.Exit(exitCode);
