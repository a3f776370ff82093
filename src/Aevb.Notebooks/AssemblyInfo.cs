namespace Aevb.Notebooks;
