resource "kubernetes_namespace" "istio_system" {
  metadata {
    name = "istio-system"
    labels = {
      "topology.istio.io/network" = "network2"
    }
  }
}

resource "helm_release" "istio_base" {
  name       = "istio-base"
  repository = "https://istio-release.storage.googleapis.com/charts"
  chart      = "base"
  namespace  = var.istio_namespace
  version    = var.istio_version
}

resource "helm_release" "istiod" {
  name       = "istiod"
  repository = "https://istio-release.storage.googleapis.com/charts"
  chart      = "istiod"
  namespace  = var.istio_namespace
  version    = var.istio_version

  wait    = true
  timeout = 300

  values = [
    yamlencode({
      telemetry = {
        v2 = {
          enabled = true
        }
      }
      global = {
        meshID = "mesh1"
        multiCluster = {
          clusterName = "cluster1"
        }
        network = "network2"
      }
    })
  ]

  depends_on = [helm_release.istio_base]
}

resource "helm_release" "istio_eastwestgateway" {
  name       = "istio-eastwestgateway"
  repository = "https://istio-release.storage.googleapis.com/charts"
  chart      = "gateway"
  namespace  = var.istio_namespace
  version    = var.istio_version

  values = [
    yamlencode({
      networkGateway = "network2"
      labels = {
        istio                       = "eastwestgateway"
        "topology.istio.io/network" = "network2"
      }
      service = {
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
    })
  ]

  depends_on = [helm_release.istiod]
}

resource "kubernetes_namespace" "istio_ingress" {
  metadata {
    name = "istio-ingress"
    labels = {
      "istio-injection" = "enabled"
    }
  }
}

resource "helm_release" "istio_ingress" {
  name       = "istio-ingress"
  repository = "https://istio-release.storage.googleapis.com/charts"
  chart      = "gateway"
  namespace  = "istio-ingress"
  version    = var.istio_version

  create_namespace = false
  wait             = true
  timeout          = 300

  values = [
    yamlencode({
      service = {
        type = "NodePort"
        ports = [
          {
            port       = 80
            targetPort = 8080
            name       = "http2"
            nodePort   = var.http_nodeport
          },
          {
            port       = 443
            targetPort = 8443
            name       = "https"
            nodePort   = var.https_nodeport
          }
        ]
      }
      labels = {
        istio = "ingressgateway"
      }
    })
  ]

  depends_on = [kubernetes_namespace.istio_ingress]
}

resource "kubernetes_secret_v1" "istio_remote_secret" {
  metadata {
    name      = "istio-remote-secret-cluster1"
    namespace = "istio-system"
    annotations = {
      "networking.istio.io/cluster" = "cluster1"
    }
    labels = {
      "istio/multiCluster" = "true"
    }
  }
  data = {
    "cluster1" = file("${path.module}/cluster1.kubeconfig")
  }
}
