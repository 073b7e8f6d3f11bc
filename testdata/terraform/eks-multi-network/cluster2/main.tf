provider "kubernetes" {
  host                   = module.eks.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    # This requires the awscli to be installed locally where Terraform is executed
    args = ["eks", "get-token", "--cluster-name", module.eks.cluster_name]
  }
}

provider "helm" {
  kubernetes {
    host                   = module.eks.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)

    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name]
    }
  }
}

################################################################################
# Istio
################################################################################

resource "kubernetes_namespace_v1" "istio_system" {
  metadata {
    name = "istio-system"
    labels = {
      "topology.istio.io/network" = local.networkName
    }
  }
}

resource "kubernetes_namespace_v1" "istio_ingress" {
  metadata {
    name = "istio-ingress"
  }
}

# Plug-in CA: an intermediate per cluster under one root
# (https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/)
resource "kubernetes_secret" "cacerts" {
  metadata {
    name      = "cacerts"
    namespace = kubernetes_namespace_v1.istio_system.metadata[0].name
  }

  data = {
    "ca-cert.pem"    = file("${path.module}/../../../certs/${local.clusterName}/ca-cert.pem")
    "ca-key.pem"     = file("${path.module}/../../../certs/${local.clusterName}/ca-key.pem")
    "root-cert.pem"  = file("${path.module}/../../../certs/${local.clusterName}/root-cert.pem")
    "cert-chain.pem" = file("${path.module}/../../../certs/${local.clusterName}/cert-chain.pem")
  }
}

module "eks_addons" {
  source  = "aws-ia/eks-blueprints-addons/aws"
  version = "~> 1.0"

  cluster_name      = module.eks.cluster_name
  cluster_endpoint  = module.eks.cluster_endpoint
  cluster_version   = module.eks.cluster_version
  oidc_provider_arn = module.eks.oidc_provider_arn

  # This is required to expose Istio Ingress Gateway
  enable_aws_load_balancer_controller = true

  helm_releases = {
    istio-base = {
      chart         = "base"
      chart_version = local.istio_chart_version
      repository    = local.istio_chart_url
      name          = "istio-base"
      namespace     = kubernetes_namespace_v1.istio_system.metadata[0].name
    }

    istiod = {
      chart         = "istiod"
      chart_version = local.istio_chart_version
      repository    = local.istio_chart_url
      name          = "istiod"
      namespace     = kubernetes_namespace_v1.istio_system.metadata[0].name

      set = [
        {
          name  = "meshConfig.accessLogFile"
          value = "/dev/stdout"
        },
        {
          name  = "global.meshID"
          value = local.meshID
        },
        {
          name  = "global.multiCluster.clusterName"
          value = local.clusterName
        },
        {
          name  = "global.network"
          value = local.networkName
        }
      ]
    }

    istio-ingress = {
      chart         = "gateway"
      chart_version = local.istio_chart_version
      repository    = local.istio_chart_url
      name          = "istio-ingressgateway"
      namespace     = kubernetes_namespace_v1.istio_ingress.metadata[0].name
      values = [
        yamlencode(
          {
            labels = {
              istio = "ingressgateway"
            }
            service = {
              annotations = {
                "service.beta.kubernetes.io/aws-load-balancer-type"            = "external"
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type" = "ip"
                "service.beta.kubernetes.io/aws-load-balancer-scheme"          = "internet-facing"
              }
            }
          }
        )
      ]
    }

    istio-eastwestgateway = {
      chart         = "gateway"
      chart_version = local.istio_chart_version
      repository    = local.istio_chart_url
      name          = "istio-eastwestgateway"
      namespace     = kubernetes_namespace_v1.istio_system.metadata[0].name

      values = [
        yamlencode(
          {
            labels = {
              istio                       = "eastwestgateway"
              app                         = "istio-eastwestgateway"
              "topology.istio.io/network" = local.networkName
            }
            networkGateway = local.networkName
            service = {
              annotations = {
                "service.beta.kubernetes.io/aws-load-balancer-type"            = "external"
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type" = "ip"
                "service.beta.kubernetes.io/aws-load-balancer-scheme"          = "internet-facing"
              }
              ports = [
                {
                  name       = "status-port"
                  port       = 15021
                  targetPort = 15021
                },
                {
                  name       = "tls"
                  port       = 15443
                  targetPort = 15443
                },
                {
                  name       = "tls-istiod"
                  port       = 15012
                  targetPort = 15012
                },
                {
                  name       = "tls-webhook"
                  port       = 15017
                  targetPort = 15017
                }
              ]
            }
          }
        )
      ]
    }
  }

  tags = local.tags
}

# samples/multicluster/expose-services.yaml
resource "kubernetes_manifest" "cross_network_gateway" {
  manifest = {
    apiVersion = "networking.istio.io/v1"
    kind       = "Gateway"
    metadata = {
      name      = "cross-network-gateway"
      namespace = "istio-system"
    }
    spec = {
      selector = {
        istio = "eastwestgateway"
      }
      servers = [
        {
          port = {
            number   = 15443
            name     = "tls"
            protocol = "TLS"
          }
          tls = {
            mode = "AUTO_PASSTHROUGH"
          }
          hosts = ["*.local"]
        }
      ]
    }
  }

  depends_on = [module.eks_addons]
}

################################################################################
# Istio remote secret for ${local.remoteClusterName} (istioctl create-remote-secret)
################################################################################

resource "kubernetes_secret" "istio_remote_secret" {
  metadata {
    annotations = {
      "networking.istio.io/cluster" = local.remoteClusterName
    }
    labels = {
      "istio/multiCluster" = "true"
    }
    name      = "istio-remote-secret-${local.remoteClusterName}"
    namespace = "istio-system"
  }
  data = {
    (local.remoteClusterName) = templatefile("${path.module}/../istio-remote-secret.tftpl",
      {
        cluster_certificate_authority_data = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="
        cluster_host                       = "https://6A1F2B3C4D5E6F708192A3B4C5D6E7F8.gr7.us-east-2.eks.amazonaws.com"
        cluster_name                       = local.remoteClusterName
        cluster_istio_reader_token         = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2UifQ.fake-reader-token-for-${local.remoteClusterName}.signature"
      }
    )
  }
}
