locals {
  region = "us-east-2"

  # EKS specific settings
  eks_name            = "eks2a"
  eks_cluster_version = "1.28"

  # Istio specific settings
  meshID            = "mesh1"
  networkName       = "network2"
  clusterName       = "cluster2"
  remoteClusterName = "cluster1"

  istio_chart_url     = "https://istio-release.storage.googleapis.com/charts"
  istio_chart_version = "1.20"

  tags = {
    GithubRepo = "github.com/aws_ia/terraform-aws-eks-blueprints"
  }
}
