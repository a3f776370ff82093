Console.WriteLine("Aevb.Benchmarks: nothing here yet.");
