using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Aevb.Data;
using Aevb.Inference;
using Aevb.Tensors;
using Aevb.Training;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb eval --model FILE</c>: the average lower bound per datapoint (estimator B, L = 1) of a saved
/// model on the train or test split of the data set it was trained on.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { HelpName = "FILE", Description = "A checkpoint written by aevb train (DIR/model.safetensors).", Required = true };
        var split = new Option<string>("--split") { Description = "Which split to score.", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("train", "test");
        var seed = new Option<ulong>("--seed") { Description = "Seed of the noise ε (one draw per datapoint).", DefaultValueFactory = _ => 1UL };
        var json = new Option<bool>("--json") { Description = "Print one JSON line: {\"split\":…,\"lower_bound\":…,\"n\":…}." };
        var dataDir = new Option<string?>("--data-dir") { HelpName = "DIR", Description = "Folder with the data files (default: AEVB_DATA_DIR, then data/cache)." };

        var command = new Command("eval", "Average lower bound per datapoint of a saved model (estimator B, L = 1).")
        {
            model, split, seed, json, dataDir,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var path = parseResult.GetValue(model)!;
            var which = parseResult.GetValue(split) == "train" ? DataSplit.Train : DataSplit.Test;
            try
            {
                var checkpoint = Checkpoint.Load(path);
                var meta = checkpoint.Metadata;
                var binarization = !meta.TryGetValue("binarization", out var b) ? Binarization.None
                    : Enum.TryParse<Binarization>(b, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsDigit(b[0]) ? kind
                    : throw new InvalidDataException($"{path}: metadata 'binarization' = '{b}' is not none, static or dynamic.");
                var binarizeSeed = meta.ContainsKey("binarization_seed") ? checkpoint.File.Unsigned("binarization_seed") : 0UL;
                var data = Datasets.Load(checkpoint.Info.Dataset, which, binarization, binarizeSeed, parseResult.GetValue(dataDir));
                if (data.Features != checkpoint.Model.InputSize)
                    throw new InvalidDataException($"{path}: the model takes {checkpoint.Model.InputSize} inputs but {data.Name} has {data.Features}.");

                foreach (var (name, p) in checkpoint.Model.NamedParameters)
                {
                    var bad = p.Value.Data.Count(v => !float.IsFinite(v));
                    if (bad > 0)
                        throw new InvalidDataException($"{path}: tensor '{name}' holds {bad} NaN or infinite value(s); the model is damaged or its training diverged, so it has no lower bound.");
                }
                var bound = new LowerBoundEvaluator(checkpoint.Model).Evaluate(data, new Rng(parseResult.GetValue(seed)));
                if (!double.IsFinite(bound))
                    throw new InvalidDataException($"{path}: the lower bound on {data.Name} came out {bound.ToString(CultureInfo.InvariantCulture)} (the model's outputs overflow on this data).");
                var splitName = which.ToString().ToLowerInvariant();
                if (parseResult.GetValue(json))
                    output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["split"] = splitName, ["lower_bound"] = bound, ["n"] = data.Count }));
                else
                    output.WriteLine($"{data.Name}: average lower bound {bound.ToString("F3", CultureInfo.InvariantCulture)} nats per datapoint " +
                                      $"(n = {data.Count}, estimator B, L = 1; {checkpoint.Model.Config} after {checkpoint.Info.SamplesSeen:N0} samples)");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DataFileException or ArgumentException or FormatException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"aevb eval: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
